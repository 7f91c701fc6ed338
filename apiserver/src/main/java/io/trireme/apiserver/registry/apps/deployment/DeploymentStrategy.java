package io.trireme.apiserver.registry.apps.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.apps.Workloads;
import io.trireme.apiserver.registry.core.pod.PodSpecs;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.List;

/** apps/v1 Deployments: strategy/revisionHistoryLimit/progressDeadline defaults, generation, kube's columns. */
public final class DeploymentStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "Deployment", "deployments",
      "deployment", true, List.of("deploy"), List.of("all"), true);
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META.with("spec.template.spec", PatchMeta.POD_SPEC)
      .with("status.conditions", "type");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    Workloads.applyDefaults(obj);
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    ObjectNode strategy = spec.get("strategy") instanceof ObjectNode s ? s : spec.putObject("strategy");
    if (!strategy.hasNonNull("type")) {
      strategy.put("type", "RollingUpdate");
    }
    if (strategy.get("type").asText().equals("RollingUpdate")) {
      ObjectNode ru = strategy.get("rollingUpdate") instanceof ObjectNode r ? r : strategy.putObject("rollingUpdate");
      if (!ru.hasNonNull("maxUnavailable")) {
        ru.put("maxUnavailable", "25%");
      }
      if (!ru.hasNonNull("maxSurge")) {
        ru.put("maxSurge", "25%");
      }
    }
    if (!spec.hasNonNull("revisionHistoryLimit")) {
      spec.put("revisionHistoryLimit", 10);
    }
    if (!spec.hasNonNull("progressDeadlineSeconds")) {
      spec.put("progressDeadlineSeconds", 600);
    }
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    return Workloads.validate(obj);
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return Workloads.validateUpdate(obj, old);
  }

  @Override
  public boolean hasScale() {
    return true;
  }

  @Override
  public String scaleSelector(ObjectNode obj) {
    return Workloads.selector(obj.path("spec").path("selector")).toString();
  }

  @Override
  public PatchMeta patchMeta() {
    return PATCH;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Ready", "string", "Number of the pod with ready state"),
        Column.of("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that "
            + "have the desired template spec."),
        Column.of("Available", "string", "Total number of available pods (ready for at least minReadySeconds) "
            + "targeted by this deployment."),
        Column.ageColumn(),
        Column.wide("Containers", "string", "Names of each container in the template."),
        Column.wide("Images", "string", "Images referenced by each container in the template."),
        Column.wide("Selector", "string", "Label selector for pods."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    JsonNode status = obj.path("status");
    return List.of(Meta.name(obj), status.path("readyReplicas").asLong(0) + "/" + spec.path("replicas").asLong(0),
        status.path("updatedReplicas").asLong(0), status.path("availableReplicas").asLong(0),
        Tables.age(obj, now), PodSpecs.containerNames(spec.path("template").path("spec")),
        PodSpecs.images(spec.path("template").path("spec")), Workloads.selectorText(spec.path("selector")));
  }
}
