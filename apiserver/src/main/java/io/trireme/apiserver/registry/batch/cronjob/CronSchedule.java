package io.trireme.apiserver.registry.batch.cronjob;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The cron schedule syntax CronJobs accept (robfig/cron's standard parser: five fields or a descriptor). */
final class CronSchedule {
  private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
      "@midnight", "@hourly");
  private static final Pattern EVERY = Pattern.compile("@every ([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+");
  private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};
  private static final Map<String, Integer> MONTHS = names("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
      "sep", "oct", "nov", "dec");
  private static final Map<String, Integer> DAYS = names("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  private CronSchedule() {}

  private static Map<String, Integer> names(String... n) {
    Map<String, Integer> out = new java.util.HashMap<>();
    for (int i = 0; i < n.length; i++) {
      out.put(n[i], n.length == 12 ? i + 1 : i);
    }
    return out;
  }

  /** The reasons {@code schedule} does not parse; empty when it does. */
  static List<String> errors(String schedule) {
    List<String> errs = new ArrayList<>();
    String s = schedule.trim();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      errs.add("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
      return errs;
    }
    if (s.startsWith("@")) {
      if (!DESCRIPTORS.contains(s) && !EVERY.matcher(s).matches()) {
        errs.add("unrecognized descriptor: " + s);
      }
      return errs;
    }
    String[] fields = s.split("\\s+");
    if (fields.length != 5) {
      errs.add("expected exactly 5 fields, found " + fields.length + ": " + s);
      return errs;
    }
    for (int i = 0; i < 5; i++) {
      String err = field(fields[i], BOUNDS[i][0], BOUNDS[i][1], i == 3 ? MONTHS : i == 4 ? DAYS : Map.of());
      if (err != null) {
        errs.add(err);
      }
    }
    return errs;
  }

  private static String field(String f, int min, int max, Map<String, Integer> names) {
    for (String part : f.split(",", -1)) {
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        Integer step = number(part.substring(slash + 1), Map.of());
        if (step == null || step <= 0) {
          return "failed to parse int from " + part.substring(slash + 1);
        }
      }
      if (range.equals("*") || range.equals("?")) {
        continue;
      }
      String[] ends = range.split("-", -1);
      if (ends.length > 2) {
        return "too many hyphens: " + range;
      }
      Integer lo = number(ends[0], names);
      Integer hi = ends.length == 2 ? number(ends[1], names) : lo;
      if (lo == null || hi == null) {
        return "failed to parse int from " + range;
      }
      if (lo < min || hi > max || lo > hi) {
        return "end of range (" + hi + ") above maximum (" + max + "): " + range;
      }
    }
    return null;
  }

  private static Integer number(String s, Map<String, Integer> names) {
    Integer named = names.get(s.toLowerCase(Locale.ROOT));
    if (named != null) {
      return named;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
