package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static MetricLog.Entry entry(String system, int run, String phase, String name, double value,
      Metric.Better better) {
    return new MetricLog.Entry(system, run, new Metric(phase, name, value, "x", better));
  }

  @Test
  void rows_takeMediansPerSystemAndTheirRatio() {
    List<MetricLog.Entry> entries = new ArrayList<>();
    double[] etcd = {1200, 1000, 1300};
    double[] trireme = {1500, 1600, 1400};
    for (int run = 1; run <= 3; run++) {
      entries.add(entry("etcd", run, "put-64", "throughput", etcd[run - 1], Metric.Better.HIGHER));
      entries.add(entry("trireme", run, "put-64", "throughput", trireme[run - 1], Metric.Better.HIGHER));
    }

    ResultTable.Row row = new ResultTable("etcd", "trireme", entries).rows().get(0);

    assertThat(row.baseline()).isEqualTo(new Stats(3, 1000, 1200, 1300));
    assertThat(row.candidate()).isEqualTo(new Stats(3, 1400, 1500, 1600));
    assertThat(row.ratio()).isCloseTo(1.25, within(1e-9));
    assertThat(row.verdict()).isEqualTo("better");
  }

  @Test
  void verdict_readsTheRatioWithTheMetricsDirection() {
    List<MetricLog.Entry> entries = List.of(
        entry("etcd", 1, "put-64", "p99", 80, Metric.Better.LOWER),
        entry("trireme", 1, "put-64", "p99", 120, Metric.Better.LOWER),
        entry("etcd", 1, "seq-put", "p50", 3.0, Metric.Better.LOWER),
        entry("trireme", 1, "seq-put", "p50", 3.1, Metric.Better.LOWER),
        entry("etcd", 1, "watch", "delivery-p99", 10, Metric.Better.LOWER),
        entry("other", 1, "watch", "delivery-p99", 1, Metric.Better.LOWER));

    List<ResultTable.Row> rows = new ResultTable("etcd", "trireme", entries).rows();

    assertThat(rows).extracting(ResultTable.Row::verdict).containsExactly("worse", "same", "missing");
  }

  @Test
  void failoverTrials_arePooledAcrossRuns() {
    List<MetricLog.Entry> entries = List.of(
        entry("etcd", 1, "failover", "put-after-kill", 1100, Metric.Better.LOWER),
        entry("etcd", 1, "failover", "put-after-kill", 1400, Metric.Better.LOWER),
        entry("etcd", 2, "failover", "put-after-kill", 1700, Metric.Better.LOWER),
        entry("trireme", 1, "failover", "put-after-kill", 400, Metric.Better.LOWER));

    ResultTable.Row row = new ResultTable("etcd", "trireme", entries).rows().get(0);

    assertThat(row.baseline().count()).isEqualTo(3);
    assertThat(row.baseline().median()).isEqualTo(1400);
    assertThat(row.ratio()).isCloseTo(400.0 / 1400, within(1e-9));
  }

  @Test
  void markdown_showsMedianRangeCountAndRatio() {
    List<MetricLog.Entry> entries = List.of(
        entry("etcd", 1, "put-64", "throughput", 1000, Metric.Better.HIGHER),
        entry("etcd", 2, "put-64", "throughput", 2000, Metric.Better.HIGHER),
        entry("trireme", 1, "put-64", "throughput", 3000, Metric.Better.HIGHER),
        entry("trireme", 1, "put-64", "max", 3, Metric.Better.LOWER));

    ResultTable t = new ResultTable("etcd", "trireme", entries);

    assertThat(t.toMarkdown()).contains("| put-64 | throughput | x | 1500 [1000–2000] (2) | 3000 (1) | 2.00× | better |");
    assertThat(t.toHeadlineMarkdown()).doesNotContain("| max |");
  }

  @Test
  void headline_putsEachLoadPhaseOnOneLine_andKeepsOtherHeadlineFigures() {
    List<MetricLog.Entry> entries = List.of(
        entry("etcd", 1, "put-64", "throughput", 1000, Metric.Better.HIGHER),
        entry("trireme", 1, "put-64", "throughput", 1500, Metric.Better.HIGHER),
        entry("etcd", 1, "put-64", "p50", 30, Metric.Better.LOWER),
        entry("trireme", 1, "put-64", "p50", 20, Metric.Better.LOWER),
        entry("etcd", 1, "put-64", "p99", 80, Metric.Better.LOWER),
        entry("trireme", 1, "put-64", "p99", 40, Metric.Better.LOWER),
        entry("etcd", 1, "put-64", "errors", 0, Metric.Better.LOWER),
        entry("trireme", 1, "put-64", "errors", 2, Metric.Better.LOWER),
        entry("etcd", 1, "put-64", "elections", 0, Metric.Better.LOWER),
        entry("trireme", 1, "put-64", "elections", 1, Metric.Better.LOWER),
        entry("etcd", 1, "failover", "put-after-kill", 1400, Metric.Better.LOWER),
        entry("trireme", 1, "failover", "put-after-kill", 350, Metric.Better.LOWER));

    String headline = new ResultTable("etcd", "trireme", entries).toHeadlineMarkdown();

    assertThat(headline).contains("| put-64 | 1000 (1) | 1500 (1) | 1.50× | 30 | 20 | 80 | 40 | 0.50× | 0 / 2 | 0 / 1 |");
    assertThat(headline).contains("| failover | put-after-kill | x | 1400 (1) | 350 (1) | 0.25× | better |");
  }
}
