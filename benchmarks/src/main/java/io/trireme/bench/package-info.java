/**
 * Load drivers that measure an etcd v3 endpoint list (etcd itself or Trireme's raft-store) with the
 * plain grpc-java stubs: {@link io.trireme.bench.StoreBench} runs the phases (put, range, watch,
 * leader failover) and writes one JSON line per metric; {@link io.trireme.bench.CompareResults}
 * turns several such files into a side-by-side table with medians and ratios.
 */
package io.trireme.bench;
