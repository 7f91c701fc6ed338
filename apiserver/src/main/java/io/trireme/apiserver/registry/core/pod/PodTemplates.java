package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.LabelSelector;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A PodTemplateSpec and the metav1.LabelSelector that must match it: what every controller kind with a pod
 * template shares (deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs).
 */
public final class PodTemplates {
  private PodTemplates() {}

  /** Pod defaults inside a template ({@code template.spec}). */
  public static void applyDefaults(JsonNode template) {
    if (template.path("spec") instanceof ObjectNode podSpec) {
      PodSpecs.applyDefaults(podSpec);
    }
  }

  /**
   * The template at {@code path} (e.g. "spec.template"): a pod spec whose restartPolicy is one of {@code restart},
   * and, when {@code selector} is not null, labels the selector (at {@code selectorPath}) matches.
   */
  public static List<Cause> validate(JsonNode template, String path, List<String> restart, JsonNode selector,
      String selectorPath) {
    List<Cause> causes = new ArrayList<>();
    if (selector != null) {
      if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
        causes.add(Validation.required(selectorPath, "Required value"));
      } else {
        Map<String, String> labels = Meta.stringMap(template.path("metadata").path("labels"));
        try {
          if (!selector(selector).matches(labels)) {
            causes.add(Validation.invalid(path + ".metadata.labels", labels,
                "`selector` does not match template `labels`"));
          }
        } catch (ApiException e) {
          causes.add(Validation.invalid(selectorPath, selector, e.getMessage()));
        }
      }
    }
    JsonNode podSpec = template.path("spec");
    causes.addAll(PodSpecs.validate(podSpec, path + ".spec"));
    String policy = podSpec.path("restartPolicy").asText("Always");
    if (List.of("Always", "OnFailure", "Never").contains(policy) && !restart.contains(policy)) {
      causes.add(Validation.notSupported(path + ".spec.restartPolicy", policy, restart));
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

  /** The SELECTOR column: kube's metav1.FormatLabelSelector. */
  public static String selectorText(JsonNode sel) {
    if (sel == null || sel.isMissingNode() || sel.isNull()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    Meta.stringMap(sel.path("matchLabels")).forEach((k, v) -> parts.add(k + "=" + v));
    for (JsonNode x : sel.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      parts.add(x.path("key").asText() + " " + x.path("operator").asText().toLowerCase(Locale.ROOT)
          + " (" + String.join(",", values) + ")");
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  /** The wide columns kube prints for template owners: Containers, Images and (optionally) Selector. */
  public static List<Column> wideColumns(boolean withSelector) {
    List<Column> out = new ArrayList<>(List.of(
        Column.wide("Containers", "string", "Names of each container in the template."),
        Column.wide("Images", "string", "Images referenced by each container in the template.")));
    if (withSelector) {
      out.add(Column.wide("Selector", "string", "Label selector for pods."));
    }
    return out;
  }

  /** The cells of {@link #wideColumns}; {@code selector} null leaves the Selector cell out. */
  public static List<Object> wideCells(JsonNode template, JsonNode selector, boolean withSelector) {
    List<Object> out = new ArrayList<>(List.of(PodSpecs.containerNames(template.path("spec")),
        PodSpecs.images(template.path("spec"))));
    if (withSelector) {
      out.add(selectorText(selector));
    }
    return out;
  }
}
