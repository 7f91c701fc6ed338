package io.trireme.bench.api;

import io.trireme.bench.Latencies;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Calls at a fixed rate whatever the answers do (open loop): call {@code i} is due at {@code start + i / rate},
 * and its latency counts from when it was due, so a stall shows in the figures instead of slowing the load.
 * Bounded in count ({@code rate × seconds}), in calls in flight ({@link #MAX_IN_FLIGHT}: a call due while that
 * many are open waits for one to finish, its latency still counted from when it was due; one that cannot start
 * within the call timeout fails) and in time.
 */
final class OpenLoop {
  static final int MAX_IN_FLIGHT = 256;

  private OpenLoop() {
  }

  /** Runs {@code op(i)} for i = first, first+1, ... ; records into {@code into} (null: unmeasured warm-up). */
  static void run(int rate, int seconds, int first, IntFunction<CompletableFuture<?>> op, Latencies into)
      throws InterruptedException {
    int count = rate * seconds;
    long start = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    AtomicInteger pending = new AtomicInteger();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      pending.incrementAndGet();
      CompletableFuture<?> f;
      if (!inFlight.tryAcquire(due + Api.TIMEOUT.toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        f = CompletableFuture.failedFuture(new TimeoutException(MAX_IN_FLIGHT + " calls in flight for "
            + Api.TIMEOUT.toSeconds() + " s: not sent"));
      } else {
        try {
          f = op.apply(first + i).whenComplete((v, err) -> inFlight.release());
        } catch (RuntimeException e) {
          inFlight.release();
          f = CompletableFuture.failedFuture(e);
        }
      }
      f.whenComplete((v, err) -> {
        if (into != null) {
          if (err == null) {
            into.recordNanos(System.nanoTime() - due);
          } else {
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
            if (into.errors() < 3) {
              System.err.println("api-bench: a call failed: " + cause);
            }
            into.recordError(cause);
          }
        }
        pending.decrementAndGet();
      });
    }
    long deadline = System.nanoTime() + Api.TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
