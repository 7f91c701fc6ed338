package io.trireme.bench;

import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store benchmark: drives any etcd v3 endpoint list (etcd, Trireme) through the phases selected in
 * {@link BenchOptions} and prints a table; with {@code --out} it also appends one JSON line per
 * metric ({@link MetricLog}). Run {@code StoreBench --help} for the options.
 */
public final class StoreBench {
  private static final Logger LOG = LoggerFactory.getLogger(StoreBench.class);

  private final BenchOptions options;
  private final EtcdChannels channels;
  private final ScheduledExecutorService timer;
  private final ClosedLoop loop;
  private final List<PhaseResult> loads = new ArrayList<>();
  private final List<Metric> metrics = new ArrayList<>();

  StoreBench(BenchOptions options, EtcdChannels channels, ScheduledExecutorService timer) {
    this.options = options;
    this.channels = channels;
    this.timer = timer;
    this.loop = new ClosedLoop(timer);
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "bench-timer");
      t.setDaemon(true);
      return t;
    });
    int exit = 0;
    try (EtcdChannels channels = new EtcdChannels(options.endpoints())) {
      StoreBench bench = new StoreBench(options, channels, timer);
      try {
        bench.runAll();
      } catch (RuntimeException e) {
        LOG.error("{}: benchmark aborted: {}", options.system(), e.toString(), e);
        exit = 1;
      }
      bench.printTable(System.out);
    } finally {
      timer.shutdownNow();
    }
    System.exit(exit);
  }

  void runAll() throws InterruptedException {
    checkEndpoints();
    for (BenchOptions.Phase phase : options.orderedPhases()) {
      LOG.info("{}: phase {}", options.system(), phase.cliName());
      try {
        runPhase(phase);
      } catch (IOException | RuntimeException e) {
        // one broken phase must not cost the figures of the others
        failedPhases.add(phase.cliName());
        LOG.error("{}: phase {} failed: {}", options.system(), phase.cliName(), e.toString());
        publish(List.of(new Metric(phase.cliName() + options.phaseSuffix(), "phase-failed", 1, "count",
            Metric.Better.LOWER)));
      }
    }
    if (!failedPhases.isEmpty()) {
      throw new IllegalStateException("phases failed: " + failedPhases);
    }
  }

  private final List<String> failedPhases = new ArrayList<>();

  private void runPhase(BenchOptions.Phase phase) throws IOException, InterruptedException {
    {
      switch (phase) {
        case SEQ_PUT -> load("seq-put", 1, putLoad());
        case PUT -> {
          for (int c : options.putClients()) {
            load("put-" + c, c, putLoad());
          }
        }
        case RANGE_LIN -> {
          prefillRangeKeys();
          for (int c : options.linClients()) {
            load("range-lin-" + c, c, new RangeLoad(channels, options.rangeKeys(), options.valueSize(), false));
          }
        }
        case RANGE_SER -> {
          prefillRangeKeys();
          for (int c : options.serClients()) {
            load("range-ser-" + c, c, new RangeLoad(channels, options.rangeKeys(), options.valueSize(), true));
          }
        }
        case WATCH -> publish(new WatchPhase(channels, timer, options.valueSize())
            .run(options.watchRate(), options.duration(), options.maxOps()));
        case FAILOVER -> publish(new FailoverPhase(channels, timer, options).run());
      }
    }
  }

  private boolean rangeKeysWritten;

  private void prefillRangeKeys() throws InterruptedException {
    if (!rangeKeysWritten) {
      RangeLoad.prefill(channels, options.rangeKeys(), options.valueSize());
      rangeKeysWritten = true;
    }
  }

  private PutLoad putLoad() {
    return new PutLoad(channels, options.valueSize(), options.keysPerClient());
  }

  private void load(String phase, int clients, ClosedLoop.ClientOp op) throws InterruptedException {
    String label = phase + options.phaseSuffix();
    if (!options.warmup().isZero()) {
      loop.run(label + "-warmup", clients, options.warmup(), options.maxOps(), op);
    }
    long termBefore = raftTerm();
    PhaseResult r = loop.run(label, clients, options.duration(), options.maxOps(), op);
    long termAfter = raftTerm();
    double elections = termBefore > 0 && termAfter > 0 ? termAfter - termBefore : Double.NaN;
    LOG.info("{}: {} {} ops/s p50 {} ms p99 {} ms errors {} elections {}", options.system(), label,
        fmt(r.opsPerSec()), fmt(r.p50Ms()), fmt(r.p99Ms()), r.errors(), fmt(elections));
    if (r.errors() > 0) {
      LOG.warn("{}: {} errors: {}", options.system(), label, r.errorKinds());
    }
    loads.add(r);
    List<Metric> produced = new ArrayList<>(r.metrics());
    produced.add(new Metric(label, "elections", elections, "count", Metric.Better.LOWER));
    publish(produced);
  }

  /**
   * The highest Raft term any endpoint reports (0 if none reports one): a term that grows during a
   * load phase means an election happened under load.
   */
  private long raftTerm() {
    long term = 0;
    for (int i = 0; i < channels.size(); i++) {
      try {
        term = Math.max(term, channels.maintenance(i).withDeadlineAfter(2, TimeUnit.SECONDS)
            .status(StatusRequest.getDefaultInstance()).getRaftTerm());
      } catch (StatusRuntimeException e) {
        LOG.warn("{}: Status on {} failed: {}", options.system(), channels.endpoint(i), e.getStatus());
      }
    }
    return term;
  }

  private void publish(List<Metric> produced) {
    metrics.addAll(produced);
    if (options.out() != null) {
      MetricLog.append(options.out(), options.system(), options.run(), produced);
    }
  }

  /**
   * Fails, with the endpoint named, if one does not answer Maintenance.Status within 30 s (retried:
   * on a loaded machine the first connection can take seconds).
   */
  private void checkEndpoints() throws InterruptedException {
    for (int i = 0; i < channels.size(); i++) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          StatusResponse s = channels.maintenance(i).withDeadlineAfter(5, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance());
          LOG.info("{}: {} member {} version {} leader {}", options.system(), channels.endpoint(i),
              Long.toHexString(s.getHeader().getMemberId()), s.getVersion(), Long.toHexString(s.getLeader()));
          break;
        } catch (StatusRuntimeException e) {
          if (System.nanoTime() > until) {
            throw new IllegalStateException("endpoint " + channels.endpoint(i) + " does not answer Status: "
                + e.getStatus(), e);
          }
          LOG.warn("{}: {} does not answer Status yet ({}); retrying", options.system(), channels.endpoint(i),
              e.getStatus().getCode());
          channels.resetConnectBackoff();
          TimeUnit.MILLISECONDS.sleep(500); // retry interval of the condition above
        }
      }
    }
  }

  void printTable(PrintStream out) {
    out.printf("%n%s run %d — %d endpoints, %d-byte values%n", options.system(), options.run(),
        channels.size(), options.valueSize());
    if (!loads.isEmpty()) {
      out.printf("load phases: %s s measured after %s s warm-up each%n",
          fmt(options.duration().toMillis() / 1000.0), fmt(options.warmup().toMillis() / 1000.0));
      out.printf("%-14s %7s %10s %9s %9s %9s %9s %7s %9s%n", "phase", "clients", "ops/s", "p50 ms",
          "p99 ms", "p99.9 ms", "max ms", "errors", "elections");
      for (PhaseResult r : loads) {
        String elections = metrics.stream()
            .filter(m -> m.phase().equals(r.phase()) && m.name().equals("elections"))
            .map(m -> fmt(m.value())).findFirst().orElse("-");
        out.printf("%-14s %7d %10s %9s %9s %9s %9s %7d %9s%n", r.phase(), r.clients(), fmt(r.opsPerSec()),
            fmt(r.p50Ms()), fmt(r.p99Ms()), fmt(r.p999Ms()), fmt(r.maxMs()), r.errors(), elections);
      }
      loads.stream().filter(r -> r.errors() > 0)
          .forEach(r -> out.printf("  errors in %s: %s%n", r.phase(), r.errorKinds()));
    }
    List<Metric> others = metrics.stream().filter(m -> m.phase().equals("watch")).toList();
    for (Metric m : others) {
      out.printf("%-14s %-22s %10s %s%n", m.phase(), m.name(), fmt(m.value()), m.unit());
    }
    for (String name : List.of("new-leader", "put-after-kill", "rejoin")) {
      List<Double> samples = metrics.stream()
          .filter(m -> m.phase().equals("failover") && m.name().equals(name)).map(Metric::value).toList();
      if (!samples.isEmpty()) {
        Stats s = Stats.of(samples);
        out.printf("%-14s %-22s min %s / median %s / max %s ms (%d trials)%n", "failover", name,
            fmt(s.min()), fmt(s.median()), fmt(s.max()), s.count());
      }
    }
    metrics.stream().filter(m -> m.name().equals("failed-trials"))
        .forEach(m -> out.printf("%-14s %-22s %s%n", "failover", "failed-trials", fmt(m.value())));
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 100 || (v == Math.rint(v) && Math.abs(v) < 1e15)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
