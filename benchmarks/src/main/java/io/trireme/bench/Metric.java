package io.trireme.bench;

import java.util.Objects;

/**
 * One measured figure, written as one JSON line.
 *
 * @param phase  phase label, e.g. {@code put-64}, {@code failover}
 * @param name   metric name within the phase, e.g. {@code throughput}, {@code p99}
 * @param value  the figure (NaN when it could not be measured)
 * @param unit   unit, e.g. {@code ops/s}, {@code ms}, {@code count}
 * @param better which direction is an improvement; ratios are read with it
 */
public record Metric(String phase, String name, double value, String unit, Better better) {

  /** Which direction of a metric is an improvement. */
  public enum Better { HIGHER, LOWER }

  public Metric {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(better, "better");
  }

  /** The key under which runs of the same metric are grouped. */
  public String key() {
    return phase + " " + name;
  }
}
