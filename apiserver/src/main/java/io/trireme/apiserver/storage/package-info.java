/** Asynchronous access to the store through the etcd v3 gRPC API only (never io.trireme.store). */
package io.trireme.apiserver.storage;
