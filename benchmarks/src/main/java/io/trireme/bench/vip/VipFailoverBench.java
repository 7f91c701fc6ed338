package io.trireme.bench.vip;

import io.trireme.node.cluster.AdminKubeconfig;
import io.trireme.node.cluster.ClusterLayout;
import io.trireme.node.config.HostPort;
import io.trireme.node.config.NodeConfig;
import io.trireme.node.probe.NodeStatusProbe;
import io.trireme.node.probe.RequestLoop;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * VIP failover as a client sees it, on a running {@code bin/trireme up --detach} cluster: a loop polls
 * {@code GET /readyz} through the VIP every 10 ms (admin.conf credentials, a new connection after any failure);
 * each trial kills the VIP owner (kill -9, or SIGTERM for planned hand-overs), measures the client outage (first
 * failed request to the next successful one; 0 when no request failed) and when another node reports holding
 * the VIP, then restarts the node and waits until it is healthy and the VIP has settled.
 *
 * <p>usage: VipFailoverBench --dir D --trials N --graceful M --trireme bin/trireme
 */
public final class VipFailoverBench {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

  record Trial(String kind, String owner, String heir, long vipMovedMs, long outageMs, int failedRequests,
      String failures) {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int trials = 20;
    int graceful = 5;
    Path trireme = Path.of("bin/trireme");
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        case "--graceful" -> graceful = Integer.parseInt(args[i + 1]);
        case "--trireme" -> trireme = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) throw new IllegalArgumentException("--dir is required");
    ClusterLayout layout = ClusterLayout.load(dir);
    AdminKubeconfig.Client client = AdminKubeconfig.read(dir.resolve(AdminKubeconfig.FILE), Duration.ofMillis(300));
    List<HostPort> statusEndpoints = layout.nodes().stream().map(NodeConfig::statusListen).toList();
    RequestLoop loop = new RequestLoop(client.http(), URI.create(client.server() + "/readyz"), Duration.ofMillis(10),
        Duration.ofSeconds(1), Duration.ofHours(1), 2_000_000);
    Thread loopThread = new Thread(loop, "readyz-loop");
    loopThread.setDaemon(true);
    loopThread.start();
    List<Trial> results = new ArrayList<>();
    try {
      for (int t = 0; t < trials + graceful; t++) {
        boolean kill = t < trials;
        Trial trial = trial(layout, trireme, statusEndpoints, loop, kill);
        results.add(trial);
        System.out.printf(Locale.ROOT, "%-8s %2d: %s -> %s, VIP moved after %d ms, client outage %d ms (%d failed%s)%n",
            trial.kind(), t + 1, trial.owner(), trial.heir(), trial.vipMovedMs(), trial.outageMs(),
            trial.failedRequests(), trial.failures().isEmpty() ? "" : ": " + trial.failures());
      }
    } finally {
      loop.stop();
    }
    summarize(results, "kill-9");
    summarize(results, "sigterm");
  }

  private static Trial trial(ClusterLayout layout, Path trireme, List<HostPort> statusEndpoints, RequestLoop loop,
      boolean kill) throws Exception {
    String owner = awaitHolder(statusEndpoints, Optional.empty());
    NodeConfig node = layout.nodes().stream().filter(n -> n.name().equals(owner)).findFirst().orElseThrow();
    long pid = Long.parseLong(Files.readString(node.pidFile()).trim());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(owner + " not running"));
    long at = System.nanoTime();
    if (kill) process.destroyForcibly(); else process.destroy();
    String heir = awaitHolder(statusEndpoints, Optional.of(owner));
    long movedMs = (System.nanoTime() - at) / 1_000_000;
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    long movedAt = System.nanoTime();
    while (!loop.succeededSince(movedAt)) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("no answer through the VIP after the move");
      Thread.sleep(10);
    }
    process.onExit().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    List<RequestLoop.Outage> outages = loop.outagesSince(at);
    long outageMs = outages.stream().mapToLong(o -> o.length().toMillis()).sum();
    int failed = outages.stream().mapToInt(RequestLoop.Outage::failures).sum();
    String failures = loop.failureKindsSince(at);
    restart(layout, trireme, node);
    awaitSettled(statusEndpoints, node);
    return new Trial(kill ? "kill-9" : "sigterm", owner, heir, movedMs, outageMs, failed, failures);
  }

  private static void restart(ClusterLayout layout, Path trireme, NodeConfig node) throws IOException {
    new ProcessBuilder(trireme.toString(), "node", "--config", layout.configFile(node).toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile(node).toFile()))
        .start();
  }

  /**
   * Every node eligible for the VIP (checks passing, hysteresis over: what `trireme status` shows an operator
   * before the next step of a rolling restart) and one node holding the VIP.
   */
  private static void awaitSettled(List<HostPort> statusEndpoints, NodeConfig node) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (true) {
      List<NodeStatusProbe.Answer> answers = NodeStatusProbe.probe(statusEndpoints, Duration.ofSeconds(1));
      if (answers.stream().allMatch(NodeStatusProbe.Answer::vipEligible)) break;
      if (System.nanoTime() > deadline) throw new IllegalStateException(node.name() + " did not come back healthy");
      Thread.sleep(200);
    }
    awaitHolder(statusEndpoints, Optional.empty()); // no preemption by default: the holder stays put
  }

  private static String awaitHolder(List<HostPort> statusEndpoints, Optional<String> notThis) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (true) {
      Optional<String> holder = NodeStatusProbe.vipHolder(NodeStatusProbe.probe(statusEndpoints, Duration.ofMillis(500)));
      if (holder.isPresent() && (notThis.isEmpty() || !holder.get().equals(notThis.get()))) return holder.get();
      if (System.nanoTime() > deadline) throw new IllegalStateException("no VIP holder" + notThis.map(n -> " other than " + n).orElse(""));
      Thread.sleep(10);
    }
  }

  private static void summarize(List<Trial> all, String kind) {
    List<Trial> trials = all.stream().filter(t -> t.kind().equals(kind)).toList();
    if (trials.isEmpty()) return;
    long[] outage = trials.stream().mapToLong(Trial::outageMs).sorted().toArray();
    long[] moved = trials.stream().mapToLong(Trial::vipMovedMs).sorted().toArray();
    int failed = trials.stream().mapToInt(Trial::failedRequests).sum();
    System.out.printf(Locale.ROOT, "RESULT %s trials=%d outage_ms median=%d p90=%d max=%d | vip_moved_ms median=%d p90=%d"
            + " max=%d | failed_requests total=%d trials_without_failure=%d%n", kind, trials.size(),
        pct(outage, 50), pct(outage, 90), outage[outage.length - 1], pct(moved, 50), pct(moved, 90),
        moved[moved.length - 1], failed, trials.stream().filter(t -> t.failedRequests() == 0).count());
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
