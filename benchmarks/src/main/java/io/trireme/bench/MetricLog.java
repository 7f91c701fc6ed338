package io.trireme.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The machine-readable form of the results: one JSON object per line and metric, e.g.
 * <pre>{"system":"etcd","run":1,"phase":"put-64","metric":"throughput","value":1759.2,"unit":"ops/s","better":"higher"}</pre>
 * A value that could not be measured is written as {@code null}.
 */
public final class MetricLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A metric as read back, with the run it came from. */
  public record Entry(String system, int run, Metric metric) {
  }

  private MetricLog() {
  }

  public static String toLine(String system, int run, Metric m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("system", system);
    o.put("run", run);
    o.put("phase", m.phase());
    o.put("metric", m.name());
    if (Double.isNaN(m.value()) || Double.isInfinite(m.value())) {
      o.putNull("value");
    } else {
      o.put("value", m.value());
    }
    o.put("unit", m.unit());
    o.put("better", m.better().name().toLowerCase(Locale.ROOT));
    return o.toString();
  }

  public static Entry parseLine(String line) {
    try {
      JsonNode o = JSON.readTree(line);
      for (String field : List.of("system", "run", "phase", "metric", "unit", "better")) {
        if (!o.hasNonNull(field)) {
          throw new IllegalArgumentException("metric line lacks '" + field + "': " + line);
        }
      }
      JsonNode value = o.get("value");
      double v = value == null || value.isNull() ? Double.NaN : value.asDouble();
      Metric m = new Metric(o.get("phase").asText(), o.get("metric").asText(), v, o.get("unit").asText(),
          Metric.Better.valueOf(o.get("better").asText().toUpperCase(Locale.ROOT)));
      return new Entry(o.get("system").asText(), o.get("run").asInt(), m);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON metric line: " + line, e);
    }
  }

  public static void append(Path file, String system, int run, List<Metric> metrics) {
    List<String> lines = metrics.stream().map(m -> toLine(system, run, m)).toList();
    try {
      Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Entry> read(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        entries.add(parseLine(line));
      }
    }
    return entries;
  }
}
