package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricLogTest {

  @Test
  void line_roundTrips() {
    Metric m = new Metric("put-64", "throughput", 1759.25, "ops/s", Metric.Better.HIGHER);

    String line = MetricLog.toLine("etcd", 2, m);

    assertThat(line).isEqualTo("{\"system\":\"etcd\",\"run\":2,\"phase\":\"put-64\",\"metric\":\"throughput\","
        + "\"value\":1759.25,\"unit\":\"ops/s\",\"better\":\"higher\"}");
    assertThat(MetricLog.parseLine(line)).isEqualTo(new MetricLog.Entry("etcd", 2, m));
  }

  @Test
  void nanValue_isWrittenAsNullAndReadBackAsNaN() {
    Metric m = new Metric("watch", "delivery-p99", Double.NaN, "ms", Metric.Better.LOWER);

    String line = MetricLog.toLine("trireme", 1, m);

    assertThat(line).contains("\"value\":null");
    assertThat(MetricLog.parseLine(line).metric().value()).isNaN();
  }

  @Test
  void scriptWrittenLine_withIntegerValue_isRead() {
    MetricLog.Entry e = MetricLog.parseLine("{\"system\":\"etcd\",\"run\":1,\"phase\":\"check-perf-m\","
        + "\"metric\":\"pass\",\"value\":0,\"unit\":\"count\",\"better\":\"higher\"}");

    assertThat(e.metric().value()).isZero();
    assertThat(e.metric().key()).isEqualTo("check-perf-m pass");
  }

  @Test
  void malformedLine_isRejected() {
    assertThatThrownBy(() -> MetricLog.parseLine("{\"system\":\"etcd\"}")).hasMessageContaining("lacks 'run'");
    assertThatThrownBy(() -> MetricLog.parseLine("nope")).hasMessageContaining("not a JSON metric line");
  }
}
