package io.trireme.apiserver.registry.apps.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.apps.WorkloadStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** apps/v1 StatefulSets: pod management, update strategy and PVC retention defaults; most of spec is immutable. */
public final class StatefulSetStrategy extends WorkloadStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "StatefulSet", "statefulsets",
      "statefulset", true, List.of("sts"), List.of("all"), true);
  private static final List<String> POLICIES = List.of("OrderedReady", "Parallel");
  private static final List<String> UPDATE_TYPES = List.of("RollingUpdate", "OnDelete");
  private static final Set<String> MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
      "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

  public StatefulSetStrategy() {
    super(INFO, true);
  }

  @Override
  protected void defaultSpec(ObjectNode spec) {
    if (!spec.hasNonNull("podManagementPolicy")) {
      spec.put("podManagementPolicy", "OrderedReady");
    }
    ObjectNode ru = rollingUpdate(spec, "updateStrategy");
    if (ru != null) {
      defaultInt(ru, "partition", 0);
    }
    defaultInt(spec, "revisionHistoryLimit", 10);
    ObjectNode retention = spec.get("persistentVolumeClaimRetentionPolicy") instanceof ObjectNode r ? r
        : spec.putObject("persistentVolumeClaimRetentionPolicy");
    for (String f : new String[] {"whenDeleted", "whenScaled"}) {
      if (!retention.hasNonNull(f)) {
        retention.put(f, "Retain");
      }
    }
  }

  @Override
  protected List<Cause> validateSpec(JsonNode spec) {
    List<Cause> causes = new ArrayList<>();
    String policy = spec.path("podManagementPolicy").asText("");
    if (!POLICIES.contains(policy)) {
      causes.add(Validation.notSupported("spec.podManagementPolicy", policy, POLICIES));
    }
    String type = spec.path("updateStrategy").path("type").asText("");
    if (!UPDATE_TYPES.contains(type)) {
      causes.add(Validation.notSupported("spec.updateStrategy.type", type, UPDATE_TYPES));
    }
    if (spec.path("updateStrategy").path("rollingUpdate").path("partition").asLong(0) < 0) {
      causes.add(Validation.invalid("spec.updateStrategy.rollingUpdate.partition",
          spec.path("updateStrategy").path("rollingUpdate").path("partition").asLong(),
          "must be greater than or equal to 0"));
    }
    return causes;
  }

  @Override
  protected List<Cause> validateSpecUpdate(JsonNode spec, JsonNode old) {
    ObjectNode a = spec.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode o : List.of(a, b)) {
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        if (MUTABLE.contains(it.next())) {
          it.remove();
        }
      }
    }
    if (a.equals(b)) {
      return List.of();
    }
    return List.of(new Cause("FieldValueForbidden", "spec", "Forbidden: updates to statefulset spec for fields "
        + "other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' "
        + "and 'minReadySeconds' are forbidden"));
  }

  @Override
  protected boolean wideSelector() {
    return false;
  }

  @Override
  protected List<Column> leadingColumns() {
    return List.of(Column.nameColumn(),
        Column.of("Ready", "string", "Number of the pod with ready state"));
  }

  @Override
  protected List<Object> leadingCells(ObjectNode obj) {
    return List.of(Meta.name(obj), obj.path("status").path("readyReplicas").asLong(0) + "/"
        + obj.path("spec").path("replicas").asLong(0));
  }
}
