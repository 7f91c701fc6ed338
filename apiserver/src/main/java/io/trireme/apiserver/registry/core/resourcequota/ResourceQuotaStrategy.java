package io.trireme.apiserver.registry.core.resourcequota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.Quantity;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** core/v1 ResourceQuotas: hard limits are valid non-negative quantities; kube's Request/Limit columns. */
public final class ResourceQuotaStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "ResourceQuota", "resourcequotas",
      "resourcequota", true, List.of("quota"), List.of(), true);
  private static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
      "PriorityClass", "CrossNamespacePodAffinity");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    obj.path("spec").path("hard").fields().forEachRemaining(e -> {
      String path = "spec.hard[" + e.getKey() + "]";
      Validation.qualifiedNameErrors(e.getKey()).forEach(err -> causes.add(Validation.invalid(path, e.getKey(), err)));
      if (!Quantity.valid(e.getValue()) || Quantity.parse(e.getValue()).negative()) {
        causes.add(Validation.invalid(path, e.getValue().asText(), "must be greater than or equal to 0"));
      }
    });
    JsonNode scopes = obj.path("spec").path("scopes");
    for (int i = 0; i < scopes.size(); i++) {
      if (!SCOPES.contains(scopes.get(i).asText())) {
        causes.add(Validation.notSupported("spec.scopes[" + i + "]", scopes.get(i).asText(), SCOPES));
      }
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.ageColumn(),
        Column.of("Request", "string", "Request represents a minimum amount of cpu/memory that a container may "
            + "consume."),
        Column.of("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use "
            + "independent of contention on the node."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    List<String> requests = new ArrayList<>();
    List<String> limits = new ArrayList<>();
    TreeMap<String, String> hard = new TreeMap<>(Meta.stringMap(obj.path("status").path("hard")));
    JsonNode used = obj.path("status").path("used");
    hard.forEach((resource, value) -> {
      String cell = resource + ": " + used.path(resource).asText("0") + "/" + value;
      (resource.startsWith("limits.") ? limits : requests).add(cell);
    });
    return List.of(Meta.name(obj), Tables.age(obj, now), String.join(", ", requests), String.join(", ", limits));
  }
}
