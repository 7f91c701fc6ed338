package io.trireme.node.probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Waits until every member of a freshly started cluster answers and all of them name the same leader. */
public final class Readiness {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private Readiness() {}

  /** How the wait ended. */
  public sealed interface Outcome {
    /** Every member answers and names the same leader. */
    record Ready(ClusterStatus status) implements Outcome {}

    /** A node process exited while we waited. */
    record NodeExited(String node, int exitCode) implements Outcome {}

    /** The time ran out; {@code last} is the last status seen. */
    record TimedOut(ClusterStatus last) implements Outcome {}
  }

  /**
   * Polls until ready, a watched process exits, or {@code timeout} passes. {@code progress} gets a line
   * whenever what the members report changes.
   *
   * @param processes node processes to watch by node name (may be empty)
   */
  public static Outcome awaitLeader(List<Target> targets, Map<String, Process> processes, Duration timeout,
      Consumer<String> progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastLine = null;
    try (ClusterProbe probe = new ClusterProbe(targets, PROBE_TIMEOUT)) {
      while (true) {
        for (Map.Entry<String, Process> p : processes.entrySet()) {
          if (!p.getValue().isAlive()) return new Outcome.NodeExited(p.getKey(), p.getValue().exitValue());
        }
        ClusterStatus status = probe.probe(false);
        if (status.allAgreeOnLeader()) return new Outcome.Ready(status);
        String line = describe(status);
        if (!line.equals(lastLine)) {
          progress.accept(line);
          lastLine = line;
        }
        if (System.nanoTime() > deadline) return new Outcome.TimedOut(status);
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  static String describe(ClusterStatus status) {
    long answering = status.reachableCount();
    int total = status.members().size();
    return "waiting for a leader: " + answering + "/" + total + " members answering, "
        + status.leaderName().map(l -> "leader " + l + " not yet known to all").orElse("no leader yet");
  }
}
