package io.trireme.apiserver.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One media range of an Accept header (or a Content-Type), with its parameters. */
public record MediaType(String type, Map<String, String> params) {
  public MediaType {
    params = Map.copyOf(params);
  }

  /** Parses an Accept header into its media ranges, in order; an empty header means {@code *}{@code /*}. */
  public static List<MediaType> parseAccept(String header) {
    List<MediaType> out = new ArrayList<>();
    if (header == null || header.isBlank()) {
      out.add(new MediaType("*/*", Map.of()));
      return out;
    }
    for (String range : header.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        int eq = p.indexOf('=');
        if (eq > 0) {
          params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim()
              .replace("\"", ""));
        }
      }
      if (!"0".equals(params.get("q"))) {
        out.add(new MediaType(type, params));
      }
    }
    return out;
  }

  /** Whether this range accepts plain JSON. */
  public boolean acceptsJson() {
    return (type.equals("application/json") || type.equals("application/*") || type.equals("*/*"))
        && !params.containsKey("as");
  }

  public boolean is(String t, String group, String version, String as) {
    return type.equals(t) && group.equals(params.get("g")) && version.equals(params.get("v"))
        && as.equals(params.get("as"));
  }
}
