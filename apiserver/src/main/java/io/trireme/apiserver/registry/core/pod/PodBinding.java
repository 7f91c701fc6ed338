package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.status.ApiException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code pods/binding}: assigns a pod to a node once (the scheduler's write); 409 if already assigned. */
final class PodBinding implements PostSubresource {
  private final Clock clock;

  PodBinding(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String group() {
    return "";
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public String kind() {
    return "Binding";
  }

  @Override
  public CompletableFuture<ObjectNode> post(GenericStore store, Registry registry, String namespace, String name,
      ObjectNode body, WriteOptions w) {
    String node = body.path("target").path("name").asText("");
    if (node.isEmpty()) {
      return CompletableFuture.failedFuture(ApiException.invalid("", "Binding", name,
          List.of(Validation.required("target.name", "Required value"))));
    }
    if (!Meta.name(body).isEmpty() && !Meta.name(body).equals(name)) {
      return CompletableFuture.failedFuture(ApiException.badRequest("the name of the binding (" + Meta.name(body)
          + ") does not match the pod (" + name + ")"));
    }
    return store.mutate(namespace, name, pod -> {
      String current = pod.path("spec").path("nodeName").asText("");
      if (!current.isEmpty()) {
        throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is already assigned to node \""
            + current + "\"");
      }
      if (Meta.deleting(pod)) {
        throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is being deleted, cannot be "
            + "assigned to a host");
      }
      ((ObjectNode) pod.get("spec")).put("nodeName", node);
      ObjectNode status = pod.get("status") instanceof ObjectNode s ? s : pod.putObject("status");
      ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
      for (int i = conditions.size() - 1; i >= 0; i--) {
        JsonNode c = conditions.get(i);
        if (c.path("type").asText().equals("PodScheduled")) {
          conditions.remove(i);
        }
      }
      conditions.addObject().put("type", "PodScheduled").put("status", "True")
          .put("lastTransitionTime", Meta.timestamp(clock.instant())).putNull("lastProbeTime");
      return pod;
    }, w).thenApply(p -> GenericStore.success(201));
  }
}
