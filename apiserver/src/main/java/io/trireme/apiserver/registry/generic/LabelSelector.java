package io.trireme.apiserver.registry.generic;

import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed label selector in the Kubernetes string syntax: {@code a=b}, {@code a==b}, {@code a!=b},
 * {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}, joined by commas (AND).
 */
public record LabelSelector(List<Requirement> requirements) {
  public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  public enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  /** One requirement of a selector. */
  public record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean empty() {
    return requirements.isEmpty();
  }

  /** The string form kube serializes selectors in (Scale.status.selector). */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      String vals = String.join(",", new java.util.TreeSet<>(r.values()));
      parts.add(switch (r.op()) {
        case EQUALS -> r.key() + "=" + vals;
        case NOT_EQUALS -> r.key() + "!=" + vals;
        case IN -> r.key() + " in (" + vals + ")";
        case NOT_IN -> r.key() + " notin (" + vals + ")";
        case EXISTS -> r.key();
        case DOES_NOT_EXIST -> "!" + r.key();
      });
    }
    return String.join(",", parts);
  }

  public static LabelSelector parse(String s) {
    if (s == null || s.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String part : splitTopLevel(s)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw bad(s);
      }
      out.add(parseRequirement(p, s));
    }
    return new LabelSelector(out);
  }

  private static Requirement parseRequirement(String p, String whole) {
    if (p.startsWith("!")) {
      return new Requirement(key(p.substring(1).trim(), whole), Op.DOES_NOT_EXIST, Set.of());
    }
    int paren = p.indexOf('(');
    if (paren > 0) {
      String head = p.substring(0, paren).trim();
      if (!p.endsWith(")")) {
        throw bad(whole);
      }
      Set<String> values = new LinkedHashSet<>();
      for (String v : p.substring(paren + 1, p.length() - 1).split(",")) {
        values.add(value(v.trim(), whole));
      }
      String[] words = head.split("\\s+");
      if (words.length != 2) {
        throw bad(whole);
      }
      Op op = switch (words[1]) {
        case "in" -> Op.IN;
        case "notin" -> Op.NOT_IN;
        default -> throw bad(whole);
      };
      return new Requirement(key(words[0], whole), op, values);
    }
    int idx;
    if ((idx = p.indexOf("!=")) > 0) {
      return new Requirement(key(p.substring(0, idx).trim(), whole), Op.NOT_EQUALS,
          Set.of(value(p.substring(idx + 2).trim(), whole)));
    }
    if ((idx = p.indexOf("==")) > 0) {
      return new Requirement(key(p.substring(0, idx).trim(), whole), Op.EQUALS,
          Set.of(value(p.substring(idx + 2).trim(), whole)));
    }
    if ((idx = p.indexOf('=')) > 0) {
      return new Requirement(key(p.substring(0, idx).trim(), whole), Op.EQUALS,
          Set.of(value(p.substring(idx + 1).trim(), whole)));
    }
    return new Requirement(key(p, whole), Op.EXISTS, Set.of());
  }

  private static String key(String k, String whole) {
    if (!Validation.qualifiedNameErrors(k).isEmpty()) {
      throw ApiException.badRequest("unable to parse requirement: invalid label key \"" + k + "\" in " + whole);
    }
    return k;
  }

  private static String value(String v, String whole) {
    if (!Validation.labelValueErrors(v).isEmpty()) {
      throw ApiException.badRequest("unable to parse requirement: invalid label value \"" + v + "\" in "
          + whole);
    }
    return v;
  }

  private static ApiException bad(String s) {
    return ApiException.badRequest("unable to parse label selector \"" + s + "\"");
  }

  /** Splits on commas that are not inside parentheses. */
  static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }
}
