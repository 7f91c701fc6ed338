package io.trireme.bench;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A closed-loop load: {@code clients} independent clients, each with one asynchronous call in flight,
 * issuing the next call when the previous one completes. The loop ends at the deadline or after
 * {@code maxOps} calls, whichever comes first; calls in flight at the deadline are still recorded.
 * A failed call is recorded as an error and the client pauses 10 ms before its next call, so a dead
 * endpoint cannot turn the loop into a spin.
 */
public final class ClosedLoop {
  private static final long ERROR_PAUSE_MS = 10;
  private static final Duration DRAIN = Duration.ofSeconds(30);

  /** Issues one asynchronous call for {@code client}; must end by calling exactly one of the two. */
  @FunctionalInterface
  public interface ClientOp {
    void issue(int client, long seq, Completion done);
  }

  /** How a call reports its end. */
  public interface Completion {
    void succeeded();

    void failed(Throwable cause);
  }

  private final ScheduledExecutorService timer;

  public ClosedLoop(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Runs the load and returns its measured result. */
  public PhaseResult run(String phase, int clients, Duration duration, long maxOps, ClientOp op)
      throws InterruptedException {
    Latencies latencies = new Latencies();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    AtomicLong issued = new AtomicLong();
    AtomicLong lastCompletion = new AtomicLong(start);
    CountDownLatch finished = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      new Client(c, op, latencies, deadline, maxOps, issued, lastCompletion, finished).next();
    }
    if (!finished.await(duration.plus(DRAIN).toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(phase + ": calls still in flight " + DRAIN + " after the deadline");
    }
    return latencies.summarise(phase, clients, lastCompletion.get() - start);
  }

  /** An observer for a unary call: success when a response passes {@code valid}, failure otherwise. */
  public static <T> StreamObserver<T> observer(Completion done, Predicate<T> valid) {
    return new StreamObserver<>() {
      private boolean answered;

      @Override
      public void onNext(T value) {
        answered = true;
        if (valid.test(value)) {
          done.succeeded();
        } else {
          done.failed(new IllegalStateException("unexpected response: " + value));
        }
      }

      @Override
      public void onError(Throwable t) {
        done.failed(t);
      }

      @Override
      public void onCompleted() {
        if (!answered) {
          done.failed(new IllegalStateException("completed without a response"));
        }
      }
    };
  }

  private final class Client {
    private final int id;
    private final ClientOp op;
    private final Latencies latencies;
    private final long deadline;
    private final long maxOps;
    private final AtomicLong issued;
    private final AtomicLong lastCompletion;
    private final CountDownLatch finished;
    private long seq;

    Client(int id, ClientOp op, Latencies latencies, long deadline, long maxOps, AtomicLong issued,
        AtomicLong lastCompletion, CountDownLatch finished) {
      this.id = id;
      this.op = op;
      this.latencies = latencies;
      this.deadline = deadline;
      this.maxOps = maxOps;
      this.issued = issued;
      this.lastCompletion = lastCompletion;
      this.finished = finished;
    }

    void next() {
      if (System.nanoTime() >= deadline || issued.incrementAndGet() > maxOps) {
        finished.countDown();
        return;
      }
      long sent = System.nanoTime();
      Completion done = new Completion() {
        @Override
        public void succeeded() {
          long now = System.nanoTime();
          latencies.recordNanos(now - sent);
          lastCompletion.accumulateAndGet(now, Math::max);
          next();
        }

        @Override
        public void failed(Throwable cause) {
          latencies.recordError(cause);
          lastCompletion.accumulateAndGet(System.nanoTime(), Math::max);
          timer.schedule(Client.this::next, ERROR_PAUSE_MS, TimeUnit.MILLISECONDS);
        }
      };
      try {
        op.issue(id, seq++, done);
      } catch (RuntimeException e) {
        done.failed(e);
      }
    }
  }
}
