package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RequestOp;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Keys a write changes besides its object, in the object's own Txn (service IP and node port allocations,
 * quota usage), so that both happen or neither and concurrent writers on any apiserver cannot both succeed.
 */
public interface WriteEffect {
  /**
   * The effect of writing {@code next} over {@code cur}: {@code cur} is null on create, {@code next} is null when
   * the object is removed. May fill in fields of {@code next} (an allocated clusterIP). With {@code dryRun} the
   * effect decides and fills in, but its ops are never sent.
   */
  CompletableFuture<Effect> prepare(ResourceInfo info, ObjectNode next, ObjectNode cur, boolean dryRun);

  /**
   * Compares that must hold, ops to run with the object's write, and keys to read back if the Txn fails:
   * {@code explain} gets those keys' values (null when absent) and returns the error to answer, or empty to
   * retry the write from a fresh read (the state moved under us, e.g. a racing allocation).
   */
  record Effect(List<Compare> compares, List<RequestOp> ops, List<String> reads,
      Function<List<KeyValue>, Optional<ApiException>> explain) {
    public static final Effect NONE = new Effect(List.of(), List.of(), List.of(), kvs -> Optional.empty());

    public Effect {
      compares = List.copyOf(compares);
      ops = List.copyOf(ops);
      reads = List.copyOf(reads);
    }

    public boolean empty() {
      return compares.isEmpty() && ops.isEmpty();
    }

    /** Both effects in one Txn; a failure is explained by the first that has an answer. */
    public Effect and(Effect o) {
      if (o.empty()) {
        return this;
      }
      if (empty()) {
        return o;
      }
      List<Compare> c = new ArrayList<>(compares);
      c.addAll(o.compares);
      List<RequestOp> p = new ArrayList<>(ops);
      p.addAll(o.ops);
      List<String> r = new ArrayList<>(reads);
      r.addAll(o.reads);
      int split = reads.size();
      return new Effect(c, p, r, kvs -> {
        Optional<ApiException> mine = explain.apply(kvs.subList(0, split));
        return mine.isPresent() ? mine : o.explain.apply(kvs.subList(split, kvs.size()));
      });
    }
  }
}
