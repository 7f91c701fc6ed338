package io.trireme.hatest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that writes one new key after another from its own thread, pausing briefly between writes, and records
 * every attempt: which writes were acknowledged (they must survive the drill) and when requests failed (the
 * outage a client sees). Bounded: it stops on {@link #close()} or after {@code maxWrites}.
 */
final class ClientLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientLoop.class);

  /** One write: null when the server acknowledged it, otherwise what went wrong. */
  @FunctionalInterface
  interface Write {
    String put(String key, String value);
  }

  record Attempt(long startMicros, long endMicros, String key, String failure) {
    boolean acked() {
      return failure == null;
    }
  }

  private final String name;
  private final Write write;
  private final Duration pause;
  private final int maxWrites;
  private final List<Attempt> attempts = new ArrayList<>();
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  ClientLoop(String name, Write write, Duration pause, int maxWrites) {
    this.name = name;
    this.write = write;
    this.pause = pause;
    this.maxWrites = maxWrites;
    this.thread = new Thread(this::run, "client-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    for (int seq = 0; seq < maxWrites && running.get(); seq++) {
      String key = String.format("%s-%06d", name, seq);
      String value = "v" + seq;
      long start = Micros.now();
      String failure;
      try {
        failure = write.put(key, value);
      } catch (RuntimeException e) {
        failure = e.toString();
      }
      long end = Micros.now();
      synchronized (attempts) {
        attempts.add(new Attempt(start, end, key, failure));
      }
      if (failure == null) acked.put(key, value);
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops writing and waits for the write in flight. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
    LOG.info("client {}: {} writes, {} acknowledged", name, attempts().size(), acked.size());
  }

  List<Attempt> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  /** Every acknowledged key with its value. */
  Map<String, String> acked() {
    return Map.copyOf(acked);
  }

  /** End of the first acknowledged write that started after {@code micros}. */
  OptionalLong firstAckStartedAfter(long micros) {
    return attempts().stream().filter(a -> a.acked() && a.startMicros() >= micros).mapToLong(Attempt::endMicros)
        .min();
  }

  /** Acknowledged writes that ended after {@code micros}. */
  long ackedAfter(long micros) {
    return attempts().stream().filter(a -> a.acked() && a.endMicros() > micros).count();
  }

  /** Failed attempts that started at or after {@code from} and before {@code to}. */
  List<Attempt> failuresBetween(long from, long to) {
    return attempts().stream().filter(a -> !a.acked() && a.startMicros() >= from && a.startMicros() < to).toList();
  }

  /**
   * The client-visible outage around {@code micros}: from the end of the last acknowledged write before it to the
   * end of the first acknowledged write that started after it (0 when no write failed or stalled in between).
   */
  long outageAround(long micros) {
    List<Attempt> all = attempts();
    long before = all.stream().filter(a -> a.acked() && a.endMicros() <= micros).mapToLong(Attempt::endMicros)
        .max().orElse(micros);
    OptionalLong after = firstAckStartedAfter(micros);
    if (after.isEmpty()) return Long.MAX_VALUE;
    return after.getAsLong() - before;
  }

  /** Typical time between acknowledged writes with nothing going wrong (median), for comparison with an outage. */
  long medianAckSpacing() {
    List<Long> ends = attempts().stream().filter(Attempt::acked).map(Attempt::endMicros).sorted().toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < ends.size(); i++) gaps.add(ends.get(i) - ends.get(i - 1));
    if (gaps.isEmpty()) return 0;
    gaps.sort(null);
    return gaps.get(gaps.size() / 2);
  }
}
