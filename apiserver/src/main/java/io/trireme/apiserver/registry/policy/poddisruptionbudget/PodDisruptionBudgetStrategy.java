package io.trireme.apiserver.registry.policy.poddisruptionbudget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.pod.PodTemplates;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** policy/v1 PodDisruptionBudgets: minAvailable xor maxUnavailable (int or percent), kube's columns. */
public final class PodDisruptionBudgetStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("policy", "v1", "PodDisruptionBudget",
      "poddisruptionbudgets", "poddisruptionbudget", true, List.of("pdb"), List.of(), true);
  private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
  private static final List<String> EVICTION_POLICIES = List.of("IfHealthyBudget", "AlwaysAllow");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    obj.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0).put("desiredHealthy", 0)
        .put("expectedPods", 0);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    if (spec.hasNonNull("minAvailable") && spec.hasNonNull("maxUnavailable")) {
      causes.add(Validation.invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"));
    }
    for (String f : new String[] {"minAvailable", "maxUnavailable"}) {
      JsonNode v = spec.get(f);
      if (v == null || v.isNull()) {
        continue;
      }
      if (v.isIntegralNumber() ? v.asLong() < 0 : !v.isTextual() || !PERCENT.matcher(v.asText()).matches()) {
        causes.add(Validation.invalid("spec." + f, v.asText(), v.isIntegralNumber()
            ? "must be greater than or equal to 0" : "a valid percent string must be a numeric string followed by "
            + "an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      } else if (v.isTextual() && Integer.parseInt(v.asText().replace("%", "")) > 100) {
        causes.add(Validation.invalid("spec." + f, v.asText(), "must not be greater than 100%"));
      }
    }
    if (spec.hasNonNull("selector")) {
      try {
        PodTemplates.selector(spec.get("selector"));
      } catch (ApiException e) {
        causes.add(Validation.invalid("spec.selector", spec.get("selector"), e.getMessage()));
      }
    }
    String policy = spec.path("unhealthyPodEvictionPolicy").asText("");
    if (!policy.isEmpty() && !EVICTION_POLICIES.contains(policy)) {
      causes.add(Validation.notSupported("spec.unhealthyPodEvictionPolicy", policy, EVICTION_POLICIES));
    }
    return causes;
  }

  @Override
  public PatchMeta patchMeta() {
    return PatchMeta.OBJECT_META.with("status.conditions", "type");
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Min Available", "string", "The minimum number of pods that must be available."),
        Column.of("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
        Column.of("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this "
            + "time."),
        Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    return List.of(Meta.name(obj), spec.hasNonNull("minAvailable") ? spec.get("minAvailable").asText() : "N/A",
        spec.hasNonNull("maxUnavailable") ? spec.get("maxUnavailable").asText() : "N/A",
        obj.path("status").path("disruptionsAllowed").asLong(0), Tables.age(obj, now));
  }
}
