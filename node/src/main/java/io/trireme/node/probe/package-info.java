/** Asking members about themselves through the etcd v3 API: status, health, member list, readiness. */
package io.trireme.node.probe;
