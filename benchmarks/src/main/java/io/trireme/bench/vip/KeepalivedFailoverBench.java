package io.trireme.bench.vip;

import io.trireme.node.probe.RequestLoop;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * keepalived's VIP failover as a client sees it, measured with the same client loop as {@link VipFailoverBench}
 * ({@link RequestLoop}: one GET every 10 ms, 1 s timeout, 300 ms connect timeout, a new connection after a
 * failure). The keepalived nodes are network namespaces that {@code benchmarks/vip-vs-keepalived.sh} set up; each
 * runs keepalived and a small HTTP responder on port 8080, and the VIP sits on the namespace's {@code eth0}.
 *
 * <p>Per trial: find the VIP holder from the namespaces' addresses; "kill -9 the node": SIGKILL its keepalived
 * (parent and VRRP child) and its responder, then set its {@code eth0} down (a SIGKILLed keepalived leaves the VIP
 * on the interface, so the process kill alone would leave a node that still answers ARP for the VIP); measure when
 * another namespace holds the VIP and the client outage (first failed request to the next successful one). Then
 * the node is revived by {@code <ctl> start <namespace>} (stale VIP removed, link up, processes restarted) and the
 * run waits until the VIP is back on the preferred (highest priority) node: the kubeadm recipe has no
 * {@code nopreempt}, so the revived node takes the VIP back, and what the client sees during that is reported too.
 *
 * <p>usage: KeepalivedFailoverBench --work DIR --ctl SCRIPT --namespaces a,b,c --vip IP --url URL [--trials N]
 * [--settle-ms MS] [--jitter-ms MS: a random 0..MS pause before each kill, default 1000]; the first namespace is the preferred (highest priority) one. Pid files: DIR/&lt;ns&gt;/*.pid.
 */
public final class KeepalivedFailoverBench {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  private static final String IFACE = "eth0";

  record Trial(String owner, String heir, boolean vipLeftOnDeadNode, long vipMovedMs, long outageMs,
      int failedRequests, String failures,
      long backMs, long backOutageMs, int backFailedRequests, String backFailures) {}

  public static void main(String[] args) throws Exception {
    Path work = null;
    Path ctl = null;
    List<String> namespaces = List.of();
    String vip = null;
    URI url = null;
    int trials = 20;
    long settleMs = 3000;
    long jitterMs = 1000;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[i + 1]);
        case "--ctl" -> ctl = Path.of(args[i + 1]);
        case "--namespaces" -> namespaces = Arrays.asList(args[i + 1].split(","));
        case "--vip" -> vip = args[i + 1];
        case "--url" -> url = URI.create(args[i + 1]);
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        case "--settle-ms" -> settleMs = Long.parseLong(args[i + 1]);
        case "--jitter-ms" -> jitterMs = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (work == null || ctl == null || namespaces.size() < 2 || vip == null || url == null) {
      throw new IllegalArgumentException("--work, --ctl, --namespaces (2 or more), --vip and --url are required");
    }
    // the same client settings as the Trireme run: 300 ms connect timeout (VipFailoverBench's admin client),
    // 10 ms pause, 1 s request timeout; HTTP/1.1 keep-alive, as the responder speaks no HTTP/2
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(300)).build();
    RequestLoop loop = new RequestLoop(http, url, Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofHours(1),
        2_000_000);
    Thread loopThread = new Thread(loop, "vip-loop");
    loopThread.setDaemon(true);
    loopThread.start();
    String preferred = namespaces.get(0);
    List<Trial> results = new ArrayList<>();
    try {
      // a first settle: the loop must have seen an answer and the preferred node hold the VIP
      awaitBack(namespaces, vip, preferred, loop, System.nanoTime(), settleMs);
      for (int t = 0; t < trials; t++) {
        // the settle ends a fixed time after the preferred node became master, i.e. at a fixed phase of its 1 s
        // advert cycle, and the backup claims a fixed time after the last advert it heard: without a random
        // pause every kill would land at the same phase (VIP moved ~3.2 s each time, not 2.4-3.4 s)
        Thread.sleep(ThreadLocalRandom.current().nextLong(jitterMs + 1));
        Trial trial = trial(work, ctl, namespaces, vip, preferred, loop, settleMs);
        results.add(trial);
        System.out.printf(Locale.ROOT, "kill-9   %2d: %s -> %s, VIP moved after %d ms, client outage %d ms (%d failed%s);"
                + " VIP %s on the dead node's eth0; revived, VIP back on %s after %d ms, client outage %d ms"
                + " (%d failed%s)%n",
            t + 1, trial.owner(), trial.heir(), trial.vipMovedMs(), trial.outageMs(), trial.failedRequests(),
            trial.failures().isEmpty() ? "" : ": " + trial.failures(), trial.vipLeftOnDeadNode() ? "left" : "not left",
            preferred, trial.backMs(),
            trial.backOutageMs(), trial.backFailedRequests(),
            trial.backFailures().isEmpty() ? "" : ": " + trial.backFailures());
      }
    } finally {
      loop.stop();
    }
    if (results.isEmpty()) return;
    summarize("kill-9", results.stream().map(r -> new long[] {r.outageMs(), r.vipMovedMs(), r.failedRequests()})
        .toList());
    summarize("preempt-back", results.stream()
        .map(r -> new long[] {r.backOutageMs(), r.backMs(), r.backFailedRequests()}).toList());
  }

  private static Trial trial(Path work, Path ctl, List<String> namespaces, String vip, String preferred,
      RequestLoop loop, long settleMs) throws Exception {
    String owner = awaitHolder(namespaces, vip);
    List<ProcessHandle> processes = new ArrayList<>();
    // the VRRP child first: it gets SIGTERM when its parent dies (PR_SET_PDEATHSIG) and would then shut down
    // gracefully (priority 0 advert, VIP removed), which a dead node does not do
    for (String pidFile : List.of("vrrp.pid", "keepalived.pid", "http.pid")) {
      long pid = Long.parseLong(Files.readString(work.resolve(owner).resolve(pidFile)).trim());
      processes.add(ProcessHandle.of(pid)
          .orElseThrow(() -> new IllegalStateException(owner + ": " + pidFile + " names no running process")));
    }
    long at = System.nanoTime();
    processes.forEach(ProcessHandle::destroyForcibly);
    run(List.of("ip", "-n", owner, "link", "set", IFACE, "down"));
    List<String> others = namespaces.stream().filter(n -> !n.equals(owner)).toList();
    String heir = awaitHolder(others, vip);
    long movedAt = System.nanoTime();
    long movedMs = (movedAt - at) / 1_000_000;
    boolean leftOver = holders(List.of(owner), vip).contains(owner); // SIGKILLed keepalived does not remove it
    awaitAnswerSince(loop, movedAt, "no answer through the VIP after it moved to " + heir);
    for (ProcessHandle p : processes) p.onExit().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    List<RequestLoop.Outage> outages = loop.outagesSince(at);
    long outageMs = outages.stream().mapToLong(o -> o.length().toMillis()).sum();
    int failed = outages.stream().mapToInt(RequestLoop.Outage::failures).sum();
    String failures = loop.failureKindsSince(at);

    long revivedAt = System.nanoTime();
    run(List.of(ctl.toString(), "start", owner));
    long backMs = awaitBack(namespaces, vip, preferred, loop, revivedAt, settleMs);
    List<RequestLoop.Outage> back = loop.outagesSince(revivedAt);
    return new Trial(owner, heir, leftOver, movedMs, outageMs, failed, failures, backMs,
        back.stream().mapToLong(o -> o.length().toMillis()).sum(),
        back.stream().mapToInt(RequestLoop.Outage::failures).sum(), loop.failureKindsSince(revivedAt));
  }

  /**
   * Waits until the preferred node alone holds the VIP and a request through it succeeded, then {@code settleMs},
   * then checks again. Returns the milliseconds from {@code from} until the preferred node held the VIP alone.
   */
  private static long awaitBack(List<String> namespaces, String vip, String preferred, RequestLoop loop, long from,
      long settleMs) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    long backMs;
    while (true) {
      List<String> holders = holders(namespaces, vip);
      if (holders.equals(List.of(preferred))) {
        backMs = (System.nanoTime() - from) / 1_000_000;
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the VIP did not settle on " + preferred + " alone; holders " + holders);
      }
      Thread.sleep(20);
    }
    awaitAnswerSince(loop, System.nanoTime(), "no answer through the VIP from " + preferred);
    Thread.sleep(settleMs);
    List<String> holders = holders(namespaces, vip);
    if (!holders.equals(List.of(preferred))) {
      throw new IllegalStateException("the VIP did not stay on " + preferred + " alone; holders " + holders);
    }
    return backMs;
  }

  private static void awaitAnswerSince(RequestLoop loop, long from, String failure) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (!loop.succeededSince(from)) {
      if (System.nanoTime() > deadline) {
        String seen = loop.samplesSince(from).isEmpty()
            ? "no request finished (the client loop sent none, or one outlived its exchange bound)"
            : "the requests saw " + loop.failureKindsSince(from);
        throw new IllegalStateException(failure + " within " + STEP_TIMEOUT.toSeconds() + " s; " + seen);
      }
      Thread.sleep(10);
    }
  }

  /** The one namespace of {@code candidates} holding the VIP (polled every 20 ms, bounded in time). */
  private static String awaitHolder(List<String> candidates, String vip) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (true) {
      List<String> holders = holders(candidates, vip);
      if (holders.size() == 1) return holders.get(0);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no single VIP holder among " + candidates + "; holders " + holders);
      }
      Thread.sleep(20);
    }
  }

  /** The namespaces whose {@code eth0} has the VIP ({@code ip -n NS -4 -o addr show dev eth0}). */
  static List<String> holders(List<String> namespaces, String vip) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String ns : namespaces) {
      if (run(List.of("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", IFACE)).contains(" " + vip + "/")) {
        out.add(ns);
      }
    }
    return out;
  }

  /** Runs a command, bounded to 30 s; its output, or an exception when it fails. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within 30 s");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + text);
    return text;
  }

  /** The RESULT line of vip-failover.sh: rows of {outage ms, VIP moved ms, failed requests}. */
  private static void summarize(String kind, List<long[]> rows) {
    long[] outage = rows.stream().mapToLong(r -> r[0]).sorted().toArray();
    long[] moved = rows.stream().mapToLong(r -> r[1]).sorted().toArray();
    long failed = rows.stream().mapToLong(r -> r[2]).sum();
    System.out.printf(Locale.ROOT, "RESULT %s trials=%d outage_ms median=%d p90=%d max=%d | vip_moved_ms median=%d p90=%d"
            + " max=%d | failed_requests total=%d trials_without_failure=%d%n", kind, rows.size(),
        pct(outage, 50), pct(outage, 90), outage[outage.length - 1], pct(moved, 50), pct(moved, 90),
        moved[moved.length - 1], failed, rows.stream().filter(r -> r[2] == 0).count());
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
