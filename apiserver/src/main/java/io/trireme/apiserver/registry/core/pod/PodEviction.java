package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.DeleteOptions;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.ListOptions;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pods/eviction} (policy/v1 Eviction), as kube-apiserver's eviction REST: a pod that is Pending,
 * finished or already deleting goes at once; otherwise the one PodDisruptionBudget selecting it must allow a
 * disruption — its status must be current ({@code observedGeneration}) with {@code disruptionsAllowed > 0},
 * which is then decremented (the pod is recorded in {@code disruptedPods}) before the pod is deleted. A budget
 * that does not allow it answers 429, which {@code kubectl drain} retries. More than one budget is a 500.
 */
final class PodEviction implements PostSubresource {
  private static final String VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
  private final Clock clock;

  PodEviction(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String group() {
    return "policy";
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public String kind() {
    return "Eviction";
  }

  @Override
  public CompletableFuture<ObjectNode> post(GenericStore store, Registry registry, String namespace, String name,
      ObjectNode body, WriteOptions w) {
    DeleteOptions options = DeleteOptions.of(body.get("deleteOptions"), null, null);
    GenericStore budgets = registry.store("policy", "v1", "poddisruptionbudgets").orElse(null);
    return store.get(namespace, name).thenCompose(pod -> {
      String phase = pod.path("status").path("phase").asText("");
      if (budgets == null || Meta.deleting(pod) || List.of("Pending", "Succeeded", "Failed").contains(phase)) {
        return CompletableFuture.completedFuture(null);
      }
      return budgets.list(namespace, ListOptions.ALL).thenCompose(list -> {
        List<ObjectNode> matching = new ArrayList<>();
        for (JsonNode pdb : list.path("items")) {
          JsonNode selector = pdb.path("spec").path("selector");
          if (!selector.isMissingNode() && !selector.isNull()
              && PodTemplates.selector(selector).matches(Meta.labels(pod))) {
            matching.add((ObjectNode) pdb);
          }
        }
        if (matching.isEmpty()) {
          return CompletableFuture.completedFuture(null);
        }
        if (matching.size() > 1) {
          throw ApiException.internal("This pod has more than one PodDisruptionBudget, which the eviction "
              + "subresource does not support.");
        }
        return consume(budgets, matching.get(0), name, w);
      });
    }).thenCompose(v -> store.delete(namespace, name, options, w)).thenApply(deleted -> GenericStore.success(201));
  }

  /** Takes one allowed disruption from the budget (conflict-retried by the store), or refuses with 429. */
  private CompletableFuture<Void> consume(GenericStore budgets, ObjectNode pdb, String pod, WriteOptions w) {
    return budgets.mutateStatus(Meta.namespace(pdb), Meta.name(pdb), cur -> {
      JsonNode status = cur.path("status");
      String budget = Meta.name(cur);
      if (status.path("observedGeneration").asLong(0) < cur.path("metadata").path("generation").asLong(0)) {
        throw ApiException.tooManyRequests(VIOLATION, List.of(new Cause("DisruptionBudget", "",
            "The disruption budget " + budget + " is still being processed by the server.")));
      }
      long allowed = status.path("disruptionsAllowed").asLong(0);
      if (allowed <= 0) {
        throw ApiException.tooManyRequests(VIOLATION, List.of(new Cause("DisruptionBudget", "",
            "The disruption budget " + budget + " needs " + status.path("desiredHealthy").asLong(0)
                + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently")));
      }
      ObjectNode s = (ObjectNode) cur.get("status");
      s.put("disruptionsAllowed", allowed - 1);
      ObjectNode disrupted = s.get("disruptedPods") instanceof ObjectNode d ? d : s.putObject("disruptedPods");
      disrupted.put(pod, Meta.timestamp(clock.instant()));
      return cur;
    }, w).thenApply(x -> null);
  }
}
