package io.trireme.apiserver.registry.apps.replicaset;

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

/** apps/v1 ReplicaSets. */
public final class ReplicaSetStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "ReplicaSet", "replicasets",
      "replicaset", true, List.of("rs"), List.of("all"), true);
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META.with("spec.template.spec", PatchMeta.POD_SPEC)
      .with("status.conditions", "type");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    Workloads.applyDefaults(obj);
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
        Column.of("Desired", "integer", "Number of desired pods."),
        Column.of("Current", "integer", "Number of actual pods."),
        Column.of("Ready", "integer", "Number of ready pods."),
        Column.ageColumn(),
        Column.wide("Containers", "string", "Names of each container in the template."),
        Column.wide("Images", "string", "Images referenced by each container in the template."),
        Column.wide("Selector", "string", "Label selector for pods."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    JsonNode status = obj.path("status");
    return List.of(Meta.name(obj), spec.path("replicas").asLong(0), status.path("replicas").asLong(0),
        status.path("readyReplicas").asLong(0), Tables.age(obj, now),
        PodSpecs.containerNames(spec.path("template").path("spec")),
        PodSpecs.images(spec.path("template").path("spec")), Workloads.selectorText(spec.path("selector")));
  }
}
