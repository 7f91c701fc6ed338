package io.trireme.apiserver.registry.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.pod.PodSpecs;
import io.trireme.apiserver.registry.generic.LabelSelector;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What replicated workloads share: replicas default, selector vs template labels, template validation. */
public final class Workloads {
  private Workloads() {}

  public static void applyDefaults(ObjectNode obj) {
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (!spec.hasNonNull("replicas")) {
      spec.put("replicas", 1);
    }
    if (spec.path("template").path("spec") instanceof ObjectNode podSpec) {
      PodSpecs.applyDefaults(podSpec);
    }
  }

  public static List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    if (spec.path("replicas").asLong(0) < 0) {
      causes.add(Validation.invalid("spec.replicas", spec.path("replicas").asLong(),
          "must be greater than or equal to 0"));
    }
    JsonNode selector = spec.path("selector");
    if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
      causes.add(Validation.required("spec.selector", "Required value"));
    } else {
      Map<String, String> labels = Meta.stringMap(spec.path("template").path("metadata").path("labels"));
      try {
        if (!selector(selector).matches(labels)) {
          causes.add(Validation.invalid("spec.template.metadata.labels", labels,
              "`selector` does not match template `labels`"));
        }
      } catch (ApiException e) {
        causes.add(Validation.invalid("spec.selector", selector, e.getMessage()));
      }
    }
    causes.addAll(PodSpecs.validate(spec.path("template").path("spec"), "spec.template.spec"));
    return causes;
  }

  public static List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (!obj.path("spec").path("selector").equals(old.path("spec").path("selector"))) {
      causes.add(Validation.immutable("spec.selector"));
    }
    return causes;
  }

  /** A metav1.LabelSelector (matchLabels + matchExpressions) as a {@link LabelSelector}. */
  public static LabelSelector selector(JsonNode sel) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : Meta.stringMap(sel.path("matchLabels")).entrySet()) {
      sb.append(sb.length() > 0 ? "," : "").append(e.getKey()).append('=').append(e.getValue());
    }
    for (JsonNode x : sel.path("matchExpressions")) {
      sb.append(sb.length() > 0 ? "," : "");
      String key = x.path("key").asText();
      List<String> values = new ArrayList<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      switch (x.path("operator").asText()) {
        case "In" -> sb.append(key).append(" in (").append(String.join(",", values)).append(')');
        case "NotIn" -> sb.append(key).append(" notin (").append(String.join(",", values)).append(')');
        case "Exists" -> sb.append(key);
        case "DoesNotExist" -> sb.append('!').append(key);
        default -> throw ApiException.badRequest("unknown selector operator " + x.path("operator").asText());
      }
    }
    return LabelSelector.parse(sb.toString());
  }

  /** The SELECTOR column. */
  public static String selectorText(JsonNode sel) {
    List<String> parts = new ArrayList<>();
    Meta.stringMap(sel.path("matchLabels")).forEach((k, v) -> parts.add(k + "=" + v));
    for (JsonNode x : sel.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      parts.add(x.path("key").asText() + " " + x.path("operator").asText().toLowerCase(java.util.Locale.ROOT)
          + " (" + String.join(",", values) + ")");
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }
}
