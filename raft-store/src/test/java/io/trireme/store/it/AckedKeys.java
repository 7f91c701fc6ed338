package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutResponse;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keys under one prefix as the client was told they are (value and mod revision of each acked put). A
 * write that failed with "unavailable"/timeout has an unknown outcome (it may still be applied later), so
 * its key is never retried; it becomes uncertain and is excluded from the checks.
 */
final class AckedKeys {
  private final String prefix;
  private final Map<String, KeyValue> acked = new LinkedHashMap<>();
  private final Set<String> uncertain = new TreeSet<>();

  AckedKeys(String prefix) {
    this.prefix = prefix;
  }

  String key(int n) {
    return prefix + String.format("%04d", n);
  }

  /** Puts keys from..to-1 (overwriting those that exist) and records each acknowledgement. */
  void put(StoreClient c, int from, int to) {
    for (int n = from; n < to; n++) {
      if (uncertain.contains(key(n))) continue;
      String value = "v" + n + "-" + acked.size();
      try {
        PutResponse r = c.put(key(n), value);
        acked.put(key(n), KeyValue.newBuilder().setKey(StoreClient.bytes(key(n)))
            .setValue(StoreClient.bytes(value)).setModRevision(r.getHeader().getRevision()).build());
      } catch (StatusRuntimeException e) {
        unknownOutcome(key(n), e);
      }
    }
  }

  void delete(StoreClient c, int from, int to) {
    for (int n = from; n < to; n++) {
      if (uncertain.contains(key(n))) continue;
      try {
        assertThat(c.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(StoreClient.bytes(key(n))).build())
            .getDeleted()).as("deleted %s", key(n)).isEqualTo(1);
        acked.remove(key(n));
      } catch (StatusRuntimeException e) {
        unknownOutcome(key(n), e);
      }
    }
  }

  private void unknownOutcome(String key, StatusRuntimeException e) {
    if (!StoreClient.retriable(e)) throw e;
    acked.remove(key);
    uncertain.add(key);
    assertThat(uncertain.size()).as("writes with an unknown outcome (%s)", e.getStatus()).isLessThan(50);
  }

  Set<String> uncertain() {
    return Set.copyOf(uncertain);
  }

  /** The member behind {@code c} holds every acknowledged key with its value and mod revision, and no other. */
  void assertHeldBy(String who, StoreClient c) {
    Map<String, KeyValue> stored = new LinkedHashMap<>();
    for (KeyValue kv : c.prefix(prefix, true)) {
      String key = kv.getKey().toStringUtf8();
      if (!uncertain.contains(key)) stored.put(key, kv);
    }
    assertThat(stored.keySet()).as("%s: keys", who).containsExactlyInAnyOrderElementsOf(acked.keySet());
    for (KeyValue want : acked.values()) {
      KeyValue got = stored.get(want.getKey().toStringUtf8());
      assertThat(got.getValue()).as("%s: value of %s", who, want.getKey().toStringUtf8()).isEqualTo(want.getValue());
      assertThat(got.getModRevision()).as("%s: mod revision of %s", who, want.getKey().toStringUtf8())
          .isEqualTo(want.getModRevision());
    }
  }
}
