package io.trireme.store.mvcc;

import io.etcd.jetcd.api.KeyValue;

/**
 * One version of one key: written at store revision {@code main}, as the {@code sub}-th change of that
 * revision. A tombstone records a deletion; its {@code kv} carries only the key and mod_revision.
 */
record Revision(long main, int sub, KeyValue kv, boolean tombstone) {}
