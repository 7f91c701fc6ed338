/** apps/v1 replicasets. */
package io.trireme.apiserver.registry.apps.replicaset;
