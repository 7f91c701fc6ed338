package io.trireme.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Side-by-side figures of a baseline system (e.g. etcd) and a candidate (e.g. Trireme): for every
 * metric, the median and range over all samples of each system (one sample per run, or one per trial
 * for failover) and the ratio candidate/baseline of the medians.
 */
public final class ResultTable {

  /** One metric of the table. */
  public record Row(String phase, String metric, String unit, Metric.Better better, Stats baseline,
      Stats candidate) {

    public double ratio() {
      return Stats.ratio(candidate.median(), baseline.median());
    }

    /** "better", "worse" or "same" (within 5 %) for the candidate, "-" when there is no ratio. */
    public String verdict() {
      double r = ratio();
      if (Double.isNaN(r)) {
        return candidate.count() == 0 ? "missing" : "-";
      }
      if (Math.abs(r - 1) <= 0.05) {
        return "same";
      }
      boolean higher = r > 1;
      return higher == (better == Metric.Better.HIGHER) ? "better" : "worse";
    }
  }

  private final String baseline;
  private final String candidate;
  private final List<Row> rows;

  public ResultTable(String baseline, String candidate, List<MetricLog.Entry> entries) {
    this.baseline = baseline;
    this.candidate = candidate;
    Map<String, List<MetricLog.Entry>> byKey = entries.stream()
        .filter(e -> e.system().equals(baseline) || e.system().equals(candidate))
        .collect(Collectors.groupingBy(e -> e.metric().key(), LinkedHashMap::new, Collectors.toList()));
    List<Row> built = new ArrayList<>();
    for (List<MetricLog.Entry> group : byKey.values()) {
      Metric first = group.get(0).metric();
      built.add(new Row(first.phase(), first.name(), first.unit(), first.better(),
          stats(group, baseline), stats(group, candidate)));
    }
    this.rows = List.copyOf(built);
  }

  private static Stats stats(List<MetricLog.Entry> group, String system) {
    return Stats.of(group.stream().filter(e -> e.system().equals(system)).map(e -> e.metric().value())
        .toList());
  }

  public List<Row> rows() {
    return rows;
  }

  /** Metrics of the phases without a throughput figure that make the short table. */
  public static final Set<String> HEADLINE = Set.of("delivery-p50", "delivery-p99", "events-missing",
      "new-leader", "put-after-kill", "rejoin", "failed-trials", "writes-per-s", "pass");

  /**
   * The short form: one line per load phase (throughput and p99 side by side with their ratios,
   * errors and elections), then the headline figures of watch, failover and check perf.
   */
  public String toHeadlineMarkdown() {
    Map<String, Map<String, Row>> phases = new LinkedHashMap<>();
    for (Row r : rows) {
      phases.computeIfAbsent(r.phase(), k -> new LinkedHashMap<>()).put(r.metric(), r);
    }
    StringBuilder b = new StringBuilder();
    b.append("| load | ").append(baseline).append(" ops/s | ").append(candidate).append(" ops/s | ratio | ")
        .append(baseline).append(" p50 ms | ").append(candidate).append(" p50 ms | ")
        .append(baseline).append(" p99 ms | ").append(candidate).append(" p99 ms | ratio | errors ")
        .append(baseline).append('/').append(candidate).append(" | elections ").append(baseline).append('/')
        .append(candidate).append(" |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, Row>> phase : phases.entrySet()) {
      Row tput = phase.getValue().get("throughput");
      if (tput == null) {
        continue;
      }
      Row p50 = phase.getValue().get("p50");
      Row p99 = phase.getValue().get("p99");
      b.append("| ").append(phase.getKey()).append(" | ").append(cell(tput.baseline())).append(" | ")
          .append(cell(tput.candidate())).append(" | ").append(ratio(tput)).append(" | ")
          .append(median(p50, true)).append(" | ").append(median(p50, false)).append(" | ")
          .append(median(p99, true)).append(" | ").append(median(p99, false)).append(" | ")
          .append(ratio(p99)).append(" | ")
          .append(pair(phase.getValue().get("errors"))).append(" | ")
          .append(pair(phase.getValue().get("elections"))).append(" |\n");
    }
    b.append('\n').append(toMarkdown(r -> HEADLINE.contains(r.metric())));
    return b.toString();
  }

  private static String ratio(Row r) {
    return r == null || Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f×", r.ratio());
  }

  private static String median(Row r, boolean baselineSide) {
    if (r == null) {
      return "-";
    }
    Stats s = baselineSide ? r.baseline() : r.candidate();
    return s.count() == 0 ? "-" : StoreBench.fmt(s.median());
  }

  private static String pair(Row r) {
    return median(r, true) + " / " + median(r, false);
  }

  /** A Markdown table of every metric. */
  public String toMarkdown() {
    return toMarkdown(r -> true);
  }

  /** A Markdown table: median [min–max] per system, the ratio and the verdict. */
  public String toMarkdown(Predicate<Row> include) {
    StringBuilder b = new StringBuilder();
    b.append("| phase | metric | unit | ").append(baseline).append(" median [min–max] (n) | ")
        .append(candidate).append(" median [min–max] (n) | ").append(candidate).append('/').append(baseline)
        .append(" | ").append(candidate).append(" is |\n");
    b.append("|---|---|---|---:|---:|---:|---|\n");
    for (Row r : rows) {
      if (!include.test(r)) {
        continue;
      }
      b.append("| ").append(r.phase()).append(" | ").append(r.metric()).append(" | ").append(r.unit())
          .append(" | ").append(cell(r.baseline())).append(" | ").append(cell(r.candidate())).append(" | ")
          .append(ratio(r))
          .append(" | ").append(r.verdict()).append(" |\n");
    }
    return b.toString();
  }

  static String cell(Stats s) {
    if (s.count() == 0) {
      return "-";
    }
    if (s.count() == 1) {
      return StoreBench.fmt(s.median()) + " (1)";
    }
    return StoreBench.fmt(s.median()) + " [" + StoreBench.fmt(s.min()) + "–" + StoreBench.fmt(s.max())
        + "] (" + s.count() + ")";
  }
}
