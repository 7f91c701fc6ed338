package io.trireme.store.diff;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded generator of etcd requests over a small key space (12 keys, so that etcd's unstable sort
 * never matters: Go sorts slices of 12 or fewer with a stable insertion sort). It tracks the revision,
 * the compact revision and the live leases from the reference server's answers, so it can aim at valid
 * and invalid revisions alike.
 */
final class Workload {
  /** One request, run identically against each endpoint. */
  record Step(String request, Function<Endpoint, String> run) {}

  private static final String[] KEYS = {"k/0", "k/1", "k/2", "k/3", "k/4", "k/5", "k/6", "k/7", "k/8", "k/9",
      "j/a", "j/b"};
  private final Random rnd;
  private final boolean nested;
  long revision = 1;
  long compactRevision = 0;
  private final List<Long> leases = new ArrayList<>();
  private long nextLeaseId = 1000;

  /**
   * @param nested also generate nested txns (off while Trireme's nested-txn divergences, listed in
   *               the raft-store test report, are open)
   */
  Workload(long seed, boolean nested) {
    this.rnd = new Random(seed);
    this.nested = nested;
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private String key() {
    return KEYS[rnd.nextInt(KEYS.length)];
  }

  private ByteString value() {
    return switch (rnd.nextInt(8)) {
      case 0 -> ByteString.EMPTY;
      case 1 -> ByteString.copyFrom(new byte[] {(byte) 0xff, 0, (byte) rnd.nextInt(256)});
      default -> bs("v" + rnd.nextInt(50));
    };
  }

  /** [key, range_end]: a single key, an interval (possibly empty), a prefix, from-key, or everything. */
  private ByteString[] interval() {
    return switch (rnd.nextInt(6)) {
      case 0, 1 -> new ByteString[] {bs(key()), ByteString.EMPTY};
      case 2 -> new ByteString[] {bs(key()), bs(key())};
      case 3 -> new ByteString[] {bs("k/"), bs("k0")};
      case 4 -> new ByteString[] {bs(key()), bs("\0")};
      default -> new ByteString[] {bs("\0"), bs("\0")};
    };
  }

  /** A revision in [max(1, compactRevision), revision]. */
  private long retained() {
    long low = Math.max(1, compactRevision);
    return low + rnd.nextInt((int) (revision - low + 1));
  }

  /** A revision to read at: mostly current or retained, sometimes compacted away or in the future. */
  private long readRevision() {
    return switch (rnd.nextInt(10)) {
      case 0 -> revision + 1 + rnd.nextInt(3);
      case 1 -> compactRevision > 1 ? 1 + rnd.nextInt((int) (compactRevision - 1)) : 0;
      case 2, 3, 4 -> retained();
      default -> 0;
    };
  }

  RangeRequest range() {
    ByteString[] iv = interval();
    RangeRequest.Builder r = RangeRequest.newBuilder().setKey(iv[0]).setRangeEnd(iv[1]);
    if (rnd.nextInt(3) == 0) r.setLimit(rnd.nextInt(5));
    if (rnd.nextInt(8) == 0) r.setCountOnly(true);
    if (rnd.nextInt(6) == 0) r.setKeysOnly(true);
    if (rnd.nextInt(3) == 0) {
      r.setSortTargetValue(rnd.nextInt(5));
      r.setSortOrderValue(rnd.nextInt(3));
    }
    if (rnd.nextInt(6) == 0) r.setMinModRevision(rnd.nextInt((int) revision + 1));
    if (rnd.nextInt(6) == 0) r.setMaxModRevision(rnd.nextInt((int) revision + 1));
    if (rnd.nextInt(6) == 0) r.setMinCreateRevision(rnd.nextInt((int) revision + 1));
    if (rnd.nextInt(6) == 0) r.setMaxCreateRevision(rnd.nextInt((int) revision + 1));
    r.setRevision(readRevision());
    if (rnd.nextInt(4) == 0) r.setSerializable(true);
    return r.build();
  }

  PutRequest put(String key) {
    PutRequest.Builder p = PutRequest.newBuilder().setKey(bs(key)).setValue(value());
    if (rnd.nextBoolean()) p.setPrevKv(true);
    if (!leases.isEmpty() && rnd.nextInt(4) == 0) p.setLease(leases.get(rnd.nextInt(leases.size())));
    if (rnd.nextInt(12) == 0) p.setLease(424242); // never granted
    if (rnd.nextInt(10) == 0) p.setIgnoreValue(true).clearValue();
    if (rnd.nextInt(10) == 0) p.setIgnoreLease(true).clearLease();
    return p.build();
  }

  DeleteRangeRequest delete() {
    ByteString[] iv = rnd.nextInt(3) == 0 ? new ByteString[] {bs(key()), ByteString.EMPTY} : interval();
    return DeleteRangeRequest.newBuilder().setKey(iv[0]).setRangeEnd(iv[1]).setPrevKv(rnd.nextBoolean()).build();
  }

  private Compare compare() {
    ByteString[] iv = rnd.nextInt(4) == 0 ? interval() : new ByteString[] {bs(key()), ByteString.EMPTY};
    Compare.Builder c = Compare.newBuilder().setKey(iv[0]).setRangeEnd(iv[1]).setResultValue(rnd.nextInt(4));
    switch (rnd.nextInt(5)) {
      case 0 -> c.setTarget(Compare.CompareTarget.VERSION).setVersion(rnd.nextInt(4));
      case 1 -> c.setTarget(Compare.CompareTarget.CREATE).setCreateRevision(rnd.nextInt((int) revision + 1));
      case 2 -> c.setTarget(Compare.CompareTarget.MOD).setModRevision(rnd.nextInt((int) revision + 1));
      case 3 -> c.setTarget(Compare.CompareTarget.VALUE).setValue(value());
      default -> {
        long lease = leases.isEmpty() || rnd.nextBoolean() ? 0 : leases.get(rnd.nextInt(leases.size()));
        c.setTargetValue(4).setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build());
      }
    }
    return c.build();
  }

  /** Ops of one branch; keys written are distinct, so etcd's duplicate-key rule is not hit by accident. */
  private List<RequestOp> branch(int depth) {
    List<RequestOp> ops = new ArrayList<>();
    List<String> written = new ArrayList<>();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(depth == 0 && nested ? 4 : 3);
      if (kind == 0) {
        ops.add(RequestOp.newBuilder().setRequestRange(range()).build());
      } else if (kind == 3) {
        ops.add(RequestOp.newBuilder().setRequestTxn(txn(depth + 1)).build());
      } else {
        String k = key();
        if (written.contains(k)) continue;
        written.add(k);
        ops.add(kind == 1 ? RequestOp.newBuilder().setRequestPut(put(k)).build()
            : RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs(k))
                .setPrevKv(rnd.nextBoolean())).build());
      }
    }
    return ops;
  }

  TxnRequest txn(int depth) {
    TxnRequest.Builder t = TxnRequest.newBuilder();
    int c = rnd.nextInt(3);
    for (int i = 0; i < c; i++) t.addCompare(compare());
    t.addAllSuccess(branch(depth));
    t.addAllFailure(branch(depth));
    return t.build();
  }

  private long someLease() {
    return leases.isEmpty() || rnd.nextInt(4) == 0 ? 999_999 : leases.get(rnd.nextInt(leases.size()));
  }

  /** The next step; {@link #observe} must then be told its result (from the reference server). */
  Step next() {
    int dice = rnd.nextInt(100);
    if (dice < 28) {
      PutRequest p = put(key());
      return new Step("put " + Endpoint.text(p), e -> Endpoint.call(() -> e.kv().put(p)));
    }
    if (dice < 38) {
      DeleteRangeRequest d = delete();
      return new Step("delete " + Endpoint.text(d), e -> Endpoint.call(() -> e.kv().deleteRange(d)));
    }
    if (dice < 60) {
      RangeRequest r = range();
      return new Step("range " + Endpoint.text(r), e -> Endpoint.call(() -> e.kv().range(r)));
    }
    if (dice < 78) {
      TxnRequest t = txn(0);
      return new Step("txn " + Endpoint.text(t), e -> Endpoint.call(() -> e.kv().txn(t)));
    }
    if (dice < 81) {
      long rev = switch (rnd.nextInt(6)) {
        case 0 -> revision + 1;
        case 1 -> compactRevision;
        default -> compactRevision + 1 + rnd.nextInt((int) Math.max(1, revision - compactRevision));
      };
      CompactionRequest c = CompactionRequest.newBuilder().setRevision(rev).build();
      return new Step("compact " + Endpoint.text(c), e -> Endpoint.call(() -> e.kv().compact(c)));
    }
    if (dice < 85) {
      LeaseGrantRequest g = LeaseGrantRequest.newBuilder().setID(nextLeaseId++).setTTL(3600 + rnd.nextInt(10)).build();
      return new Step("lease grant " + Endpoint.text(g), e -> Endpoint.call(() -> e.lease().leaseGrant(g)));
    }
    if (dice < 88) {
      LeaseRevokeRequest r = LeaseRevokeRequest.newBuilder().setID(someLease()).build();
      return new Step("lease revoke " + Endpoint.text(r), e -> Endpoint.call(() -> e.lease().leaseRevoke(r)));
    }
    if (dice < 90) {
      LeaseTimeToLiveRequest r = LeaseTimeToLiveRequest.newBuilder().setID(someLease()).setKeys(true).build();
      return new Step("lease ttl " + Endpoint.text(r), e -> e.timeToLive(r));
    }
    return watch();
  }

  /**
   * A watch from a random retained (or compacted) revision over a random interval. It collects up to the
   * current revision, so first a put inside the interval makes the current revision an event it must see
   * (that put is part of the sequence both servers get).
   */
  private Step watch() {
    ByteString[] iv = interval();
    if (!iv[1].isEmpty() && !iv[1].equals(bs("\0"))
        && ByteString.unsignedLexicographicalComparator().compare(iv[0], iv[1]) >= 0) {
      iv = new ByteString[] {iv[0], ByteString.EMPTY}; // an empty interval would never see the sentinel
    }
    String inside = iv[0].equals(bs("\0")) ? key() : iv[0].toStringUtf8();
    long start = switch (rnd.nextInt(5)) {
      case 0 -> compactRevision > 1 ? 1 + rnd.nextInt((int) (compactRevision - 1)) : 1;
      case 1 -> Math.max(1, compactRevision);
      default -> retained();
    };
    WatchCreateRequest.Builder w = WatchCreateRequest.newBuilder().setKey(iv[0]).setRangeEnd(iv[1])
        .setStartRevision(start).setPrevKv(rnd.nextBoolean());
    if (rnd.nextInt(5) == 0) w.addFilters(WatchCreateRequest.FilterType.NODELETE);
    WatchCreateRequest create = w.build();
    PutRequest sentinel = PutRequest.newBuilder().setKey(bs(inside)).setValue(bs("sentinel")).build();
    return new Step("watch " + Endpoint.text(create) + " (after put " + inside + ")", e -> {
      String put = Endpoint.call(() -> e.kv().put(sentinel));
      long until = e.revision();
      return put + " | " + String.join(" | ", e.watch(create, until));
    });
  }

  /** Learns the effect of a step from the reference server's answer. */
  void observe(Step step, String result, long newRevision) {
    revision = newRevision;
    if (result.startsWith("ERROR")) return;
    if (step.request().startsWith("compact ")) {
      String digits = step.request().replaceAll("\\D", "");
      compactRevision = digits.isEmpty() ? 0 : Long.parseLong(digits);
    } else if (step.request().startsWith("lease grant ")) {
      leases.add(nextLeaseId - 1);
    } else if (step.request().startsWith("lease revoke ")) {
      leases.remove(Long.valueOf(step.request().replaceAll("\\D", "")));
    }
  }
}
