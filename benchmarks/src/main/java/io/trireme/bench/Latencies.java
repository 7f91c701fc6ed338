package io.trireme.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Latencies of one measured phase, recorded from any thread: an HdrHistogram in microseconds (1 µs to
 * 5 minutes, 3 significant digits) plus counts of successes and errors.
 */
public final class Latencies {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

  private final ConcurrentHistogram histogram = new ConcurrentHistogram(1, MAX_MICROS, 3);
  private final LongAdder errors = new LongAdder();

  /** Records one successful operation that took {@code nanos}. */
  public void recordNanos(long nanos) {
    long micros = Math.max(1, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    histogram.recordValue(micros);
  }

  public void recordError() {
    errors.increment();
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
        percentileMillis(50), percentileMillis(99), percentileMillis(99.9), maxMillis());
  }
}
