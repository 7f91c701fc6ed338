/**
 * The MVCC key space, as etcd's {@code mvcc} package: versions per key, one cluster-wide revision,
 * range/put/delete/txn semantics, compaction, the event history and the replicated lease table. Pure
 * logic: no Raft, no gRPC, no clocks.
 */
package io.trireme.store.mvcc;
