package io.trireme.apiserver.registry.apps.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.apps.WorkloadStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import java.util.List;

/** apps/v1 Deployments: strategy/revisionHistoryLimit/progressDeadline defaults, generation, kube's columns. */
public final class DeploymentStrategy extends WorkloadStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "Deployment", "deployments",
      "deployment", true, List.of("deploy"), List.of("all"), true);

  public DeploymentStrategy() {
    super(INFO, true);
  }

  @Override
  protected void defaultSpec(ObjectNode spec) {
    ObjectNode ru = rollingUpdate(spec, "strategy");
    if (ru != null) {
      if (!ru.hasNonNull("maxUnavailable")) {
        ru.put("maxUnavailable", "25%");
      }
      if (!ru.hasNonNull("maxSurge")) {
        ru.put("maxSurge", "25%");
      }
    }
    defaultInt(spec, "revisionHistoryLimit", 10);
    defaultInt(spec, "progressDeadlineSeconds", 600);
  }

  @Override
  protected List<Column> leadingColumns() {
    return List.of(Column.nameColumn(),
        Column.of("Ready", "string", "Number of the pod with ready state"),
        Column.of("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that "
            + "have the desired template spec."),
        Column.of("Available", "string", "Total number of available pods (ready for at least minReadySeconds) "
            + "targeted by this deployment."));
  }

  @Override
  protected List<Object> leadingCells(ObjectNode obj) {
    JsonNode status = obj.path("status");
    return List.of(Meta.name(obj), status.path("readyReplicas").asLong(0) + "/"
        + obj.path("spec").path("replicas").asLong(0), status.path("updatedReplicas").asLong(0),
        status.path("availableReplicas").asLong(0));
  }
}
