package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Kubernetes' shared validation rules (names, labels, object metadata). */
public final class Validation {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final int ANNOTATIONS_MAX = 256 * 1024;

  /** How a resource's names are validated. */
  public enum NameRule { DNS_SUBDOMAIN, DNS_LABEL, DNS1035_LABEL, PATH_SEGMENT }

  private Validation() {}

  public static List<String> nameErrors(NameRule rule, String name) {
    List<String> errs = new ArrayList<>();
    switch (rule) {
      case DNS_SUBDOMAIN -> {
        if (name.length() > 253) {
          errs.add("must be no more than 253 characters");
        }
        if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
          errs.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
              + "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
              + "for validation is '" + DNS1123_SUBDOMAIN.pattern() + "')");
        }
      }
      case DNS_LABEL -> {
        if (name.length() > 63) {
          errs.add("must be no more than 63 characters");
        }
        if (!DNS1123_LABEL.matcher(name).matches()) {
          errs.add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
              + "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
              + "used for validation is '" + DNS1123_LABEL.pattern() + "')");
        }
      }
      case DNS1035_LABEL -> {
        if (name.length() > 63) {
          errs.add("must be no more than 63 characters");
        }
        if (!DNS1035_LABEL.matcher(name).matches()) {
          errs.add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
              + "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
              + "'abc-123', regex used for validation is '" + DNS1035_LABEL.pattern() + "')");
        }
      }
      case PATH_SEGMENT -> {
        if (name.equals(".") || name.equals("..")) {
          errs.add("may not be '" + name + "'");
        }
        for (String bad : new String[] {"/", "%"}) {
          if (name.contains(bad)) {
            errs.add("may not contain '" + bad + "'");
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    return errs;
  }

  public static List<String> qualifiedNameErrors(String key) {
    List<String> errs = new ArrayList<>();
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || !nameErrors(NameRule.DNS_SUBDOMAIN, prefix).isEmpty()) {
        errs.add("prefix part must be a lowercase RFC 1123 subdomain");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
      errs.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
          + "with an alphanumeric character, at most 63 characters");
    }
    return errs;
  }

  public static List<String> labelValueErrors(String v) {
    if (v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
      return List.of("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
          + "or '.', and must start and end with an alphanumeric character, at most 63 characters");
    }
    return List.of();
  }

  /** Validates {@code metadata}: name, namespace, labels, annotations. */
  public static List<Cause> objectMeta(ObjectNode obj, boolean namespaced, NameRule rule) {
    List<Cause> causes = new ArrayList<>();
    String name = Meta.name(obj);
    if (name.isEmpty()) {
      causes.add(required("metadata.name", "name or generateName is required"));
    } else {
      for (String e : nameErrors(rule, name)) {
        causes.add(invalid("metadata.name", name, e));
      }
    }
    String ns = Meta.namespace(obj);
    if (namespaced) {
      if (ns.isEmpty()) {
        causes.add(required("metadata.namespace", "Required value"));
      } else {
        for (String e : nameErrors(NameRule.DNS_LABEL, ns)) {
          causes.add(invalid("metadata.namespace", ns, e));
        }
      }
    }
    JsonNode labels = obj.path("metadata").path("labels");
    for (Map.Entry<String, String> e : Meta.stringMap(labels).entrySet()) {
      for (String err : qualifiedNameErrors(e.getKey())) {
        causes.add(invalid("metadata.labels", e.getKey(), err));
      }
      for (String err : labelValueErrors(e.getValue())) {
        causes.add(invalid("metadata.labels", e.getValue(), err));
      }
    }
    JsonNode annotations = obj.path("metadata").path("annotations");
    long total = 0;
    for (Map.Entry<String, String> e : Meta.stringMap(annotations).entrySet()) {
      total += e.getKey().length() + e.getValue().length();
      for (String err : qualifiedNameErrors(e.getKey())) {
        causes.add(invalid("metadata.annotations", e.getKey(), err));
      }
    }
    if (total > ANNOTATIONS_MAX) {
      causes.add(new Cause("FieldValueTooLong", "metadata.annotations",
          "Too long: may not be more than " + ANNOTATIONS_MAX + " bytes"));
    }
    return causes;
  }

  public static Cause required(String field, String message) {
    return new Cause("FieldValueRequired", field, "Required value" + (message.equals("Required value") ? ""
        : ": " + message));
  }

  /** Go's field.Invalid: numbers and booleans print bare, everything else quoted. */
  public static Cause invalid(String field, Object value, String message) {
    String shown = value instanceof Number || value instanceof Boolean ? String.valueOf(value) : "\"" + value + "\"";
    return new Cause("FieldValueInvalid", field, "Invalid value: " + shown + ": " + message);
  }

  public static Cause notSupported(String field, Object value, List<String> supported) {
    return new Cause("FieldValueNotSupported", field, "Unsupported value: \"" + value
        + "\": supported values: \"" + String.join("\", \"", supported) + "\"");
  }

  public static Cause immutable(String field) {
    return new Cause("FieldValueInvalid", field, "Invalid value: field is immutable");
  }
}
