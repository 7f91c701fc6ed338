/**
 * Process tests: a cluster started with {@code bin/trireme up --detach} in a temp directory, driven with the
 * real {@code etcdctl} and a gRPC writer, nodes killed with SIGKILL and brought back.
 */
package io.trireme.node.it;
