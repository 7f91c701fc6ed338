/**
 * Trireme's Kubernetes API server: {@link io.trireme.apiserver.ApiServer} with its
 * {@link io.trireme.apiserver.ApiServerConfig}; it reaches the store only through the etcd v3 gRPC API.
 */
package io.trireme.apiserver;
