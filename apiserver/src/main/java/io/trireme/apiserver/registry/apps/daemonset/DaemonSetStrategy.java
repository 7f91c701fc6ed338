package io.trireme.apiserver.registry.apps.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.apps.WorkloadStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** apps/v1 DaemonSets: updateStrategy and revisionHistoryLimit defaults, no replicas, kube's columns. */
public final class DaemonSetStrategy extends WorkloadStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "DaemonSet", "daemonsets", "daemonset",
      true, List.of("ds"), List.of("all"), true);
  private static final List<String> UPDATE_TYPES = List.of("RollingUpdate", "OnDelete");

  public DaemonSetStrategy() {
    super(INFO, false);
  }

  @Override
  protected void defaultSpec(ObjectNode spec) {
    ObjectNode ru = rollingUpdate(spec, "updateStrategy");
    if (ru != null) {
      defaultInt(ru, "maxUnavailable", 1);
      defaultInt(ru, "maxSurge", 0);
    }
    defaultInt(spec, "revisionHistoryLimit", 10);
  }

  @Override
  protected List<Cause> validateSpec(JsonNode spec) {
    List<Cause> causes = new ArrayList<>();
    String type = spec.path("updateStrategy").path("type").asText("");
    if (!UPDATE_TYPES.contains(type)) {
      causes.add(Validation.notSupported("spec.updateStrategy.type", type, UPDATE_TYPES));
    }
    return causes;
  }

  @Override
  protected List<Column> leadingColumns() {
    return List.of(Column.nameColumn(),
        Column.of("Desired", "integer", "The total number of nodes that should be running the daemon pod "
            + "(including nodes correctly running the daemon pod)."),
        Column.of("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are "
            + "supposed to run the daemon pod."),
        Column.of("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod "
            + "and have one or more of the daemon pod running with a Ready Condition."),
        Column.of("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
        Column.of("Available", "integer", "The number of nodes that should be running the daemon pod and have "
            + "one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        Column.of("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit "
            + "on a node. Selector which must match a node's labels for the pod to be scheduled on that node."));
  }

  @Override
  protected List<Object> leadingCells(ObjectNode obj) {
    JsonNode status = obj.path("status");
    List<String> nodeSelector = new ArrayList<>();
    for (Map.Entry<String, String> e : Meta.stringMap(obj.path("spec").path("template").path("spec")
        .path("nodeSelector")).entrySet()) {
      nodeSelector.add(e.getKey() + "=" + e.getValue());
    }
    return List.of(Meta.name(obj), status.path("desiredNumberScheduled").asLong(0),
        status.path("currentNumberScheduled").asLong(0), status.path("numberReady").asLong(0),
        status.path("updatedNumberScheduled").asLong(0), status.path("numberAvailable").asLong(0),
        nodeSelector.isEmpty() ? "<none>" : String.join(",", nodeSelector));
  }
}
