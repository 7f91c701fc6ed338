package io.trireme.bench;

import java.util.List;

/**
 * What one load phase measured.
 *
 * @param phase     phase label, e.g. {@code put-64}
 * @param clients   concurrent clients
 * @param ops       successful operations
 * @param errors    failed operations (gRPC errors, deadlines, wrong answers)
 * @param seconds   measured wall time
 * @param opsPerSec successful operations per second
 * @param p50Ms     median latency
 * @param p99Ms     99th percentile latency
 * @param p999Ms    99.9th percentile latency
 * @param maxMs     maximum latency
 * @param errorKinds failed operations by kind, e.g. {@code DEADLINE_EXCEEDED×12}; empty if none
 */
public record PhaseResult(String phase, int clients, long ops, long errors, double seconds,
    double opsPerSec, double p50Ms, double p99Ms, double p999Ms, double maxMs, String errorKinds) {

  /** The metrics to publish, one JSON line each. */
  public List<Metric> metrics() {
    return List.of(
        new Metric(phase, "throughput", opsPerSec, "ops/s", Metric.Better.HIGHER),
        new Metric(phase, "p50", p50Ms, "ms", Metric.Better.LOWER),
        new Metric(phase, "p99", p99Ms, "ms", Metric.Better.LOWER),
        new Metric(phase, "p999", p999Ms, "ms", Metric.Better.LOWER),
        new Metric(phase, "max", maxMs, "ms", Metric.Better.LOWER),
        new Metric(phase, "errors", errors, "count", Metric.Better.LOWER));
  }
}
