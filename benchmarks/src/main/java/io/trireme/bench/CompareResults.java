package io.trireme.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON-lines metric files written by {@link StoreBench} (and by the scripts, for figures such
 * as {@code etcdctl check perf}) and prints a Markdown table of baseline vs candidate.
 * <pre>CompareResults --baseline etcd --candidate trireme [--out table.md] file.jsonl...</pre>
 */
public final class CompareResults {
  private CompareResults() {
  }

  public static void main(String[] args) throws IOException {
    String baseline = null;
    String candidate = null;
    Path out = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--baseline" -> baseline = value(args, ++i);
        case "--candidate" -> candidate = value(args, ++i);
        case "--out" -> out = Path.of(value(args, ++i));
        default -> {
          if (args[i].startsWith("--")) {
            usage("unknown option " + args[i]);
          }
          files.add(Path.of(args[i]));
        }
      }
    }
    if (baseline == null || candidate == null || files.isEmpty()) {
      usage("--baseline, --candidate and at least one file are required");
    }
    List<MetricLog.Entry> entries = new ArrayList<>();
    for (Path f : files) {
      entries.addAll(MetricLog.read(f));
    }
    ResultTable t = new ResultTable(baseline, candidate, entries);
    String table = "### Headline figures\n\n" + t.toHeadlineMarkdown() + "\n### Every metric\n\n"
        + t.toMarkdown();
    System.out.print(table);
    if (out != null) {
      Files.writeString(out, table, StandardCharsets.UTF_8);
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage("missing value for " + args[i - 1]);
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: CompareResults --baseline NAME --candidate NAME [--out FILE] FILE...");
    System.exit(2);
  }
}
