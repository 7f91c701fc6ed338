package io.trireme.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Latencies of one measured phase, recorded from any thread: an HdrHistogram in microseconds (1 µs to
 * 5 minutes, 3 significant digits) plus counts of successes and errors.
 */
public final class Latencies {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

  private final ConcurrentHistogram histogram = new ConcurrentHistogram(1, MAX_MICROS, 3);
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

  /** Records one successful operation that took {@code nanos}. */
  public void recordNanos(long nanos) {
    long micros = Math.max(1, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    histogram.recordValue(micros);
  }

  /** Records one failed operation; its kind (gRPC status code or exception type) is counted apart. */
  public void recordError(Throwable cause) {
    errors.increment();
    errorKinds.computeIfAbsent(kind(cause), k -> new LongAdder()).increment();
  }

  static String kind(Throwable cause) {
    Status status = Status.fromThrowable(cause);
    if (status.getCode() != Status.Code.UNKNOWN || cause instanceof StatusRuntimeException) {
      String description = status.getDescription();
      // etcd's own errors ride on a code plus a fixed text ("etcdserver: no leader")
      return description != null && description.startsWith("etcdserver:")
          ? status.getCode() + " " + description : status.getCode().toString();
    }
    return cause.getClass().getSimpleName();
  }

  /** Failed operations by kind, e.g. {@code DEADLINE_EXCEEDED×12, UNAVAILABLE×3}; empty if none. */
  public String errorSummary() {
    return new TreeMap<>(errorKinds).entrySet().stream()
        .map(e -> e.getKey() + "×" + e.getValue().sum()).collect(Collectors.joining(", "));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  public long errors() {
    return errors.sum();
  }

  /** Latency at {@code percentile} (0–100) in milliseconds, NaN when nothing was recorded. */
  public double percentileMillis(double percentile) {
    if (histogram.getTotalCount() == 0) {
      return Double.NaN;
    }
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxMillis() {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
  }

  /** Summarises the phase; {@code elapsedNanos} is the measured wall time used for the rate. */
  public PhaseResult summarise(String phase, int clients, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    return new PhaseResult(phase, clients, count(), errors(), seconds,
        seconds > 0 ? count() / seconds : Double.NaN,
        percentileMillis(50), percentileMillis(99), percentileMillis(99.9), maxMillis(), errorSummary());
  }
}
