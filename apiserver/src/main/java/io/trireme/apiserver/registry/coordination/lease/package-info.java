/** coordination.k8s.io/v1 leases. */
package io.trireme.apiserver.registry.coordination.lease;
