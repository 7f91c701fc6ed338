package io.trireme.apiserver.registry.generic;

import io.etcd.jetcd.api.Compare;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How one write is done. {@code extraCompares} are added to the compare list of the single etcd Txn that
 * performs the write, so a caller can make the write conditional on something else in the store (a
 * leader's fencing token) atomically; if one of them fails the write is rejected with 409 Conflict.
 * {@code fieldValidation} decides what unknown fields do; {@code warnings} receives Warn-level messages.
 */
public record WriteOptions(boolean dryRun, List<Compare> extraCompares, FieldValidation fieldValidation,
    Consumer<String> warnings) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, List.of(), FieldValidation.STRICT,
      w -> { });

  public WriteOptions {
    extraCompares = List.copyOf(extraCompares);
    Objects.requireNonNull(fieldValidation, "fieldValidation");
    Objects.requireNonNull(warnings, "warnings");
  }
}
