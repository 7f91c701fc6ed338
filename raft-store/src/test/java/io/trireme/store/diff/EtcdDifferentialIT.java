package io.trireme.store.diff;

import static io.trireme.store.diff.Workload.bs;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.grpc.ManagedChannel;
import io.trireme.store.InJvmCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same etcd v3 request sequences against a real etcd 3.4 and against Trireme, both started empty so
 * revisions line up; every response (or gRPC status code + description) must be equal once the header's
 * cluster_id/member_id/raft_term are dropped. A mismatch prints the request and both answers.
 *
 * <p>{@code -Ddiff.knownBugs=true} adds the requests on which Trireme is known to differ today (nested
 * txns, and the edge cases in {@link #knownDifferences}); they are off by default so that this test
 * guards everything else. Each one is described in the raft-store test report.
 */
class EtcdDifferentialIT {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdDifferentialIT.class);
  private static final boolean KNOWN_BUGS = Boolean.getBoolean("diff.knownBugs");
  /** Steps per seed; each step waits for both stores (about 0.7 s a step here), so CI runs 100. */
  private static final int OPS = Integer.getInteger("diff.ops", 100);
  private static final boolean STRICT = Boolean.getBoolean("diff.strict");

  /** A fresh etcd and a fresh Trireme of {@code members} members; runs steps on both and compares. */
  private static final class Pair implements AutoCloseable {
    final EtcdProcess etcdProcess;
    final InJvmCluster cluster;
    final ManagedChannel etcdChannel;
    final Endpoint etcd;
    final Endpoint trireme;
    final List<String> mismatches = new ArrayList<>();
    final java.util.Set<KnownDifference> knownSeen = java.util.EnumSet.noneOf(KnownDifference.class);
    int steps;
    int uncompared;

    Pair(int members) throws Exception {
      etcdProcess = new EtcdProcess();
      InJvmCluster c = null;
      try {
        c = new InJvmCluster(members, 10_000);
        for (int attempt = 1; ; attempt++) {
          try {
            c.awaitLeader(); // 30 s each; a loaded 2-core machine can need more for a first election
            break;
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            if (attempt == 3) throw e;
          }
        }
      } catch (Exception | Error e) {
        if (c != null) c.close();
        etcdProcess.close();
        throw e;
      }
      cluster = c;
      etcdChannel = etcdProcess.channel();
      etcd = new Endpoint("etcd", etcdChannel);
      trireme = new Endpoint("trireme", cluster.channel(0));
    }

    /** Runs one step on both; returns etcd's answer, or null if the stores no longer line up. */
    String run(Workload.Step step) {
      steps++;
      boolean readOnly = step.request().startsWith("range ") || step.request().startsWith("lease ttl ");
      String want = step.run().apply(etcd);
      for (int i = 0; i < 5 && readOnly && Endpoint.transientError(want); i++) want = step.run().apply(etcd);
      String got = step.run().apply(trireme);
      for (int i = 0; i < 5 && readOnly && Endpoint.transientError(got); i++) got = step.run().apply(trireme);
      long wantRev = etcd.revision();
      long gotRev = trireme.revision();
      if (!want.equals(got) && (Endpoint.transientError(want) || Endpoint.transientError(got))) {
        // a write that timed out may or may not have happened: nothing to compare; the revision check
        // below still stops the sequence if the two stores no longer line up
        LOG.warn("step {} not compared, a server was unavailable (overloaded machine?): {}\n    etcd:    {}"
            + "\n    trireme: {}", steps, step.request(), want, got);
        uncompared++;
      } else if (!want.equals(got)) {
        var known = STRICT ? java.util.Optional.<KnownDifference>empty() : KnownDifference.of(step.request(), want, got);
        if (known.isPresent()) {
          LOG.warn("known difference {} at step {}: {}\n    etcd:    {}\n    trireme: {}", known.get(), steps,
              step.request(), want, got);
          knownSeen.add(known.get());
        } else {
          mismatches.add("step " + steps + ": " + step.request() + "\n    etcd:    " + want + "\n    trireme: " + got);
        }
      }
      if (wantRev != gotRev) {
        mismatches.add("step " + steps + ": revisions diverged after it (etcd " + wantRev + ", trireme " + gotRev
            + "); stopping this sequence");
        return null;
      }
      return want;
    }

    void assertNoMismatch(String scenario) {
      assertThat(uncompared).as(scenario + ": steps not compared because a server was unavailable")
          .isLessThanOrEqualTo(steps / 20);
      if (!mismatches.isEmpty()) {
        LOG.error("{}: {} mismatches in {} steps:\n{}", scenario, mismatches.size(), steps,
            String.join("\n", mismatches));
      }
      assertThat(mismatches).as(scenario + ": etcd vs trireme (request, etcd, trireme)").isEmpty();
    }

    @Override
    public void close() throws Exception {
      etcdChannel.shutdownNow();
      try {
        cluster.close();
      } finally {
        etcdProcess.close();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void randomSequence_singleMember(long seed) throws Exception {
    randomSequence(seed, 1);
  }

  @Test
  void randomSequence_threeMembers() throws Exception {
    randomSequence(11, 3);
  }

  private void randomSequence(long seed, int members) throws Exception {
    try (Pair pair = new Pair(members)) {
      Workload w = new Workload(seed, KNOWN_BUGS);
      for (int i = 0; i < OPS; i++) {
        Workload.Step step = w.next();
        String result = pair.run(step);
        if (result == null) break;
        w.observe(step, result, pair.etcd.revision());
      }
      LOG.info("seed {} ({} members): {} steps, revision {}, compacted at {}, known differences seen {}", seed,
          members, pair.steps, w.revision, w.compactRevision, pair.knownSeen);
      pair.assertNoMismatch("seed " + seed + " (" + members + " members)");
    }
  }

  private static Workload.Step step(String request, Function<Endpoint, String> run) {
    return new Workload.Step(request, run);
  }

  private static Workload.Step put(String key, String value) {
    return put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build());
  }

  private static Workload.Step put(PutRequest p) {
    String shown = p.getValue().size() > 64 ? Endpoint.text(p.toBuilder().clearValue().build())
        + " value: <" + p.getValue().size() + " bytes>" : Endpoint.text(p);
    return step("put " + shown, e -> Endpoint.call(() -> e.kv().put(p)));
  }

  private static Workload.Step range(RangeRequest r) {
    String shown = r.getKey().size() > 64 ? "key of " + r.getKey().size() + " bytes" : Endpoint.text(r);
    return step("range " + shown, e -> Endpoint.call(() -> e.kv().range(r)));
  }

  private static Workload.Step txn(TxnRequest t) {
    String shown = t.getSerializedSize() > 400 ? "<txn of " + t.getSuccessCount() + " success ops, "
        + t.getCompareCount() + " compares>" : Endpoint.text(t);
    return step("txn " + shown, e -> Endpoint.call(() -> e.kv().txn(t)));
  }

  private static Workload.Step compact(long rev) {
    CompactionRequest c = CompactionRequest.newBuilder().setRevision(rev).build();
    return step("compact " + rev, e -> Endpoint.call(() -> e.kv().compact(c)));
  }

  private static Workload.Step watch(WatchCreateRequest w) {
    return step("watch " + Endpoint.text(w), e -> String.join(" | ", e.watch(w, e.revision())));
  }

  private static RequestOp opPut(String k, String v) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v))).build();
  }

  private static RequestOp opDelete(String k, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs(k)).setRangeEnd(bs(end))).build();
  }

  private static RequestOp opRange(RangeRequest.Builder r) {
    return RequestOp.newBuilder().setRequestRange(r).build();
  }

  /** The errors etcd's API defines, each with the code and text etcd gives, on stores whose revisions match. */
  @Test
  void errors_matchEtcdCodeAndDescription() throws Exception {
    try (Pair pair = new Pair(1)) {
      List<Workload.Step> steps = new ArrayList<>(List.of(
          compact(0),
          put("a", "1"), put("b", "1"), put("a", "2"), put("c", "1"), put("d", "1"), // revisions 2..6
          put("", "1"),
          range(RangeRequest.newBuilder().setKey(ByteString.EMPTY).build()),
          step("delete empty key", e -> Endpoint.call(() -> e.kv().deleteRange(DeleteRangeRequest.getDefaultInstance()))),
          txn(TxnRequest.newBuilder().addCompare(Compare.newBuilder().setKey(ByteString.EMPTY)).build()),
          txn(TxnRequest.newBuilder().addSuccess(opPut("", "x")).build()),
          range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(7).build()),
          range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(100).build()),
          range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(6).build()),
          compact(4),
          range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(3).build()),
          range(RangeRequest.newBuilder().setKey(bs("a")).setRevision(4).build()),
          watch(WatchCreateRequest.newBuilder().setKey(bs("a")).setStartRevision(2).build()),
          watch(WatchCreateRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("\0")).setStartRevision(5).build()),
          compact(4), compact(3), compact(7), compact(100),
          txn(TxnRequest.newBuilder().addSuccess(opRange(RangeRequest.newBuilder().setKey(bs("a")).setRevision(9)))
              .addSuccess(opPut("x", "1")).build()),
          txn(TxnRequest.newBuilder().addSuccess(opRange(RangeRequest.newBuilder().setKey(bs("a")).setRevision(2)))
              .addSuccess(opPut("x", "1")).build()),
          txn(TxnRequest.newBuilder().addSuccess(opPut("x", "1")).addSuccess(opPut("x", "2")).build()),
          txn(TxnRequest.newBuilder().addSuccess(opPut("x", "1")).addSuccess(opDelete("x", "")).build()),
          txn(TxnRequest.newBuilder().addFailure(opDelete("w", "y")).addFailure(opPut("x", "2")).build()),
          put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).setLease(777).build()),
          put(PutRequest.newBuilder().setKey(bs("zz")).setIgnoreValue(true).build()),
          put(PutRequest.newBuilder().setKey(bs("zz")).setIgnoreLease(true).build()),
          put(PutRequest.newBuilder().setKey(bs("a")).setValue(bs("1")).setIgnoreValue(true).build()),
          put(PutRequest.newBuilder().setKey(bs("a")).setLease(5).setIgnoreLease(true).build()),
          put(PutRequest.newBuilder().setKey(bs("a")).setIgnoreValue(true).setPrevKv(true).build()),
          put(PutRequest.newBuilder().setKey(bs("big")).setValue(ByteString.copyFrom(new byte[1677722])).build()),
          step("put of 2.5 MiB (code only: the text is the gRPC library's)", e -> {
            String r = Endpoint.call(() -> e.kv().put(PutRequest.newBuilder().setKey(bs("huge"))
                .setValue(ByteString.copyFrom(new byte[2621440])).build()));
            LOG.info("2.5 MiB put on {}: {}", e.name(), r);
            return r.startsWith("ERROR ") ? r.substring(0, r.indexOf(':')) : r;
          }),
          lease(LeaseGrantRequest.newBuilder().setID(1).setTTL(1).build()),
          lease(LeaseGrantRequest.newBuilder().setID(1).setTTL(60).build()),
          lease(LeaseGrantRequest.newBuilder().setID(2).setTTL(9_000_000_001L).build()),
          lease(LeaseGrantRequest.newBuilder().setID(3).setTTL(600).build()),
          revoke(555),
          ttl(555),
          put(PutRequest.newBuilder().setKey(bs("l1")).setValue(bs("v")).setLease(3).build()),
          put(PutRequest.newBuilder().setKey(bs("l2")).setValue(bs("v")).setLease(3).build()),
          put(PutRequest.newBuilder().setKey(bs("l1")).setIgnoreValue(true).setIgnoreLease(true).setPrevKv(true).build()),
          ttl(3),
          txn(TxnRequest.newBuilder().addCompare(leaseCompare("l1", 3)).addSuccess(opPut("lc", "yes"))
              .addFailure(opPut("lc", "no")).build()),
          revoke(3),
          revoke(3),
          range(RangeRequest.newBuilder().setKey(bs("l")).setRangeEnd(bs("m")).build()),
          tooManyOps(129, false), tooManyOps(129, true), tooManyOps(128, false)));
      for (Workload.Step s : steps) {
        if (pair.run(s) == null) break;
      }
      pair.assertNoMismatch("errors");
    }
  }

  /**
   * Requests on which Trireme differs from etcd today (see the report), each on fresh stores after the
   * same small history (revisions 2..6, compacted at 4) followed by a full read that shows any state
   * difference. Opt-in with -Ddiff.knownBugs=true until the store is fixed; then fold them into
   * {@link #errors_matchEtcdCodeAndDescription}.
   */
  @ParameterizedTest(name = "known difference {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
  void knownDifferences(int which) throws Exception {
    Assumptions.assumeTrue(KNOWN_BUGS, "run with -Ddiff.knownBugs=true");
    Workload.Step step = switch (which) {
      case 0 -> watch(WatchCreateRequest.newBuilder().setKey(bs("a")).setStartRevision(2).build());
      case 1 -> range(RangeRequest.newBuilder().setKey(bs("a")).setSortOrderValue(7).build());
      case 2 -> put(PutRequest.newBuilder().setKey(bs("nope")).setIgnoreValue(true).setLease(888).build());
      case 3 -> range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[1677722])).build());
      case 4 -> txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build());
      case 5 -> txn(TxnRequest.newBuilder().addSuccess(opPut("n", "1"))
          .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder().addSuccess(opPut("n", "2")))).build());
      case 6 -> txn(nestedBudget());
      case 7 -> txn(TxnRequest.newBuilder().addSuccess(opPut("k", "1"))
          .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
              .addCompare(Compare.newBuilder().setKey(bs("k")).setTarget(Compare.CompareTarget.VALUE)
                  .setResult(Compare.CompareResult.EQUAL).setValue(bs("1")))
              .addSuccess(opPut("j", "then")).addFailure(opPut("j", "else")))).build());
      default -> txn(TxnRequest.newBuilder().addSuccess(opDelete("b", "\0")).addSuccess(opPut("c", "new")).build());
    };
    try (Pair pair = new Pair(1)) {
      for (Workload.Step s : List.of(put("a", "1"), put("b", "1"), put("a", "2"), put("c", "1"), put("d", "1"),
          compact(4), step, range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build()))) {
        if (pair.run(s) == null) break;
      }
      pair.assertNoMismatch("known difference " + which);
    }
  }

  /** A watch from the compact revision with prev_kv: etcd has no prev_kv for events at that revision. */
  @Test
  void knownDifference_watchPrevKvAtTheCompactRevision() throws Exception {
    Assumptions.assumeTrue(KNOWN_BUGS, "run with -Ddiff.knownBugs=true");
    try (Pair pair = new Pair(1)) {
      for (Workload.Step s : List.of(put("a", "1"), put("a", "2"), put("a", "3"), compact(3),
          watch(WatchCreateRequest.newBuilder().setKey(bs("a")).setPrevKv(true).setStartRevision(3).build()))) {
        if (pair.run(s) == null) break;
      }
      pair.assertNoMismatch("watch prev_kv at the compact revision");
    }
  }

  private static TxnRequest nestedBudget() {
    TxnRequest.Builder inner = TxnRequest.newBuilder();
    for (int i = 0; i < 50; i++) inner.addSuccess(opPut("in" + i, "v"));
    TxnRequest.Builder outer = TxnRequest.newBuilder();
    for (int i = 0; i < 99; i++) outer.addSuccess(opPut("out" + i, "v"));
    return outer.addSuccess(RequestOp.newBuilder().setRequestTxn(inner)).build();
  }

  private static Workload.Step tooManyOps(int n, boolean compares) {
    TxnRequest.Builder t = TxnRequest.newBuilder();
    for (int i = 0; i < n; i++) {
      if (compares) {
        t.addCompare(Compare.newBuilder().setKey(bs("t" + i)).setTarget(Compare.CompareTarget.VERSION));
      } else {
        t.addSuccess(opPut("t" + i, "v"));
      }
    }
    return txn(t.build());
  }

  private static Compare leaseCompare(String key, long lease) {
    return Compare.newBuilder().setKey(bs(key)).setTargetValue(4).setResult(Compare.CompareResult.EQUAL)
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build())
        .build();
  }

  private static Workload.Step lease(LeaseGrantRequest g) {
    return step("lease grant " + Endpoint.text(g), e -> Endpoint.call(() -> e.lease().leaseGrant(g)));
  }

  private static Workload.Step revoke(long id) {
    LeaseRevokeRequest r = LeaseRevokeRequest.newBuilder().setID(id).build();
    return step("lease revoke " + id, e -> Endpoint.call(() -> e.lease().leaseRevoke(r)));
  }

  private static Workload.Step ttl(long id) {
    LeaseTimeToLiveRequest r = LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build();
    return step("lease ttl " + id, e -> e.timeToLive(r));
  }
}
