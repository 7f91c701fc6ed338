package io.trireme.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops node processes: SIGTERM to all of them, then SIGKILL to those still running after a grace period. */
public final class NodeStopper {
  private final Duration grace;

  public NodeStopper(Duration grace) {
    this.grace = grace;
  }

  /** The outcome for one process. */
  public enum Outcome { STOPPED, KILLED }

  /** Stops all processes at once and returns how each one ended, in the given order. */
  public List<Outcome> stop(List<ProcessHandle> processes) {
    List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
    for (ProcessHandle p : processes) {
      p.destroy();
      exits.add(p.onExit());
    }
    long deadline = System.nanoTime() + grace.toNanos();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      ProcessHandle p = processes.get(i);
      if (awaitExit(exits.get(i), deadline)) {
        outcomes.add(Outcome.STOPPED);
      } else {
        p.destroyForcibly();
        awaitExit(p.onExit(), System.nanoTime() + Duration.ofSeconds(10).toNanos());
        outcomes.add(Outcome.KILLED);
      }
    }
    return outcomes;
  }

  private static boolean awaitExit(CompletableFuture<ProcessHandle> exit, long deadlineNanos) {
    try {
      exit.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
