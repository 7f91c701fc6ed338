package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accessors for the {@code metadata} of an object held as a Jackson tree. */
public final class Meta {
  private Meta() {}

  public static ObjectNode meta(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    if (m instanceof ObjectNode o) {
      return o;
    }
    return obj.putObject("metadata");
  }

  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  public static String name(ObjectNode obj) {
    return text(obj.get("metadata"), "name");
  }

  public static String namespace(ObjectNode obj) {
    return text(obj.get("metadata"), "namespace");
  }

  public static String uid(ObjectNode obj) {
    return text(obj.get("metadata"), "uid");
  }

  public static String resourceVersion(ObjectNode obj) {
    return text(obj.get("metadata"), "resourceVersion");
  }

  public static boolean deleting(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    return m != null && m.hasNonNull("deletionTimestamp");
  }

  public static Map<String, String> labels(ObjectNode obj) {
    return stringMap(obj.path("metadata").path("labels"));
  }

  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  public static List<String> finalizers(ObjectNode obj) {
    List<String> out = new ArrayList<>();
    obj.path("metadata").path("finalizers").forEach(f -> out.add(f.asText()));
    return out;
  }

  /** RFC 3339 in UTC with second precision, as Kubernetes' metav1.Time serializes. */
  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant parseTime(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(node.asText());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
