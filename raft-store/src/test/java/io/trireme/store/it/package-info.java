/**
 * Multi-member tests of the store (failsafe {@code *IT}): three members in one JVM on 127.0.0.1
 * ({@link io.trireme.store.InJvmCluster}), driven through the etcd v3 gRPC API with grpc-java stubs
 * under failover, snapshot rebuilds, lease expiry, watch resumption and bad input.
 */
package io.trireme.store.it;
