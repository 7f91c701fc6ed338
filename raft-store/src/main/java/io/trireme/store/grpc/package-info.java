/** The etcd v3 gRPC API: thin adapters from etcd requests to the store, and the one error translation. */
package io.trireme.store.grpc;
