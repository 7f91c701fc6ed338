package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentiles_ofOneToThousandMillis_matchTheDistribution() {
    Latencies l = new Latencies();
    for (int ms = 1; ms <= 1000; ms++) {
      l.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    // HdrHistogram with 3 significant digits: within 0.1 % of the exact value
    assertThat(l.percentileMillis(50)).isCloseTo(500, within(0.5));
    assertThat(l.percentileMillis(99)).isCloseTo(990, within(1.0));
    assertThat(l.maxMillis()).isCloseTo(1000, within(1.0));
    assertThat(l.count()).isEqualTo(1000);
  }

  @Test
  void summarise_computesRateFromSuccessesAndCountsErrorsApart() {
    Latencies l = new Latencies();
    for (int i = 0; i < 200; i++) {
      l.recordNanos(2_000_000);
    }
    l.recordError(Status.DEADLINE_EXCEEDED.asRuntimeException());
    l.recordError(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
    l.recordError(Status.DEADLINE_EXCEEDED.withDescription("deadline after 10s").asRuntimeException());

    PhaseResult r = l.summarise("put-16", 16, TimeUnit.SECONDS.toNanos(4));

    assertThat(r.ops()).isEqualTo(200);
    assertThat(r.errors()).isEqualTo(3);
    assertThat(r.errorKinds()).isEqualTo("DEADLINE_EXCEEDED×2, UNAVAILABLE etcdserver: no leader×1");
    assertThat(r.opsPerSec()).isCloseTo(50.0, within(1e-9));
    assertThat(r.p50Ms()).isCloseTo(2.0, within(0.01));
    assertThat(r.metrics()).extracting(Metric::name)
        .containsExactly("throughput", "p50", "p99", "p999", "max", "errors");
  }

  @Test
  void recordError_nonGrpcFailure_isCountedByExceptionType() {
    Latencies l = new Latencies();
    l.recordError(new IllegalStateException("unexpected response"));

    assertThat(l.errorSummary()).isEqualTo("IllegalStateException×1");
  }

  @Test
  void percentiles_withNothingRecorded_areNaN() {
    Latencies l = new Latencies();

    assertThat(l.percentileMillis(99)).isNaN();
    assertThat(l.summarise("x", 1, 1_000_000_000L).opsPerSec()).isZero();
  }

  @Test
  void recordNanos_clampsBelowOneMicrosecond() {
    Latencies l = new Latencies();
    l.recordNanos(10);

    assertThat(l.percentileMillis(100)).isCloseTo(0.001, within(1e-6));
  }
}
