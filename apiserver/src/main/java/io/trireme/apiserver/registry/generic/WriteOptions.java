package io.trireme.apiserver.registry.generic;

import io.etcd.jetcd.api.Compare;
import java.util.List;

/**
 * How one write is done. {@code extraCompares} are added to the compare list of the single etcd Txn that
 * performs the write, so a caller can make the write conditional on something else in the store (a
 * leader's fencing token) atomically; if one of them fails the write is rejected with 409 Conflict.
 */
public record WriteOptions(boolean dryRun, List<Compare> extraCompares) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, List.of());

  public WriteOptions {
    extraCompares = List.copyOf(extraCompares);
  }
}
