package io.trireme.apiserver.registry.apps.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.apps.WorkloadStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import java.util.List;

/** apps/v1 ReplicaSets. */
public final class ReplicaSetStrategy extends WorkloadStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("apps", "v1", "ReplicaSet", "replicasets",
      "replicaset", true, List.of("rs"), List.of("all"), true);

  public ReplicaSetStrategy() {
    super(INFO, true);
  }

  @Override
  protected List<Column> leadingColumns() {
    return List.of(Column.nameColumn(),
        Column.of("Desired", "integer", "Number of desired pods."),
        Column.of("Current", "integer", "Number of actual pods."),
        Column.of("Ready", "integer", "Number of ready pods."));
  }

  @Override
  protected List<Object> leadingCells(ObjectNode obj) {
    return List.of(Meta.name(obj), obj.path("spec").path("replicas").asLong(0),
        obj.path("status").path("replicas").asLong(0), obj.path("status").path("readyReplicas").asLong(0));
  }
}
