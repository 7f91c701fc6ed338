package io.trireme.apiserver.registry.core.componentstatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.ComputedObjects;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.StoreHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * core/v1 ComponentStatuses (read-only): {@code etcd-<i>} for each store member with its real health, and the
 * scheduler and controller-manager, which Trireme does not run yet, reported as unhealthy with that reason.
 */
public final class ComponentStatusStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "ComponentStatus", "componentstatuses",
      "componentstatus", false, List.of("cs"), List.of(), false);
  private static final List<String> NOT_RUNNING = List.of("scheduler", "controller-manager");

  private final ComputedObjects objects;

  /** @param health the store members' health, or null when the apiserver has no store to ask (nothing but the absent components is listed then) */
  public ComponentStatusStrategy(StoreHealth health) {
    this.objects = () -> (health == null ? CompletableFuture.completedFuture(List.<StoreHealth.MemberHealth>of())
        : health.members()).handle((members, err) -> {
          List<ObjectNode> out = new ArrayList<>();
          for (String component : NOT_RUNNING) {
            out.add(status(component, false, "", "the " + component + " does not run in this Trireme "
                + "version yet, so nothing serves its health"));
          }
          if (err != null) {
            out.add(status("etcd-0", false, "", "cannot list the store members: "
                + ApiException.of(err).getMessage()));
            return out;
          }
          for (int i = 0; i < members.size(); i++) {
            StoreHealth.MemberHealth m = members.get(i);
            out.add(status("etcd-" + i, m.healthy(), m.message(), m.error()));
          }
          return out;
        });
  }

  private static ObjectNode status(String name, boolean healthy, String message, String error) {
    ObjectNode cs = JsonNodeFactory.instance.objectNode().put("kind", INFO.kind()).put("apiVersion", "v1");
    cs.putObject("metadata").put("name", name);
    ObjectNode c = cs.putArray("conditions").addObject().put("type", "Healthy").put("status", healthy ? "True"
        : "False");
    if (!message.isEmpty()) {
      c.put("message", message);
    }
    if (!error.isEmpty()) {
      c.put("error", error);
    }
    return cs;
  }

  @Override
  public String deprecatedIn() {
    return "1.19";
  }

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public Optional<ComputedObjects> computed() {
    return Optional.of(objects);
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Status", "string", "Status of the component conditions"),
        Column.of("Message", "string", "Message of the component conditions"),
        Column.of("Error", "string", "Error of the component conditions"));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    String status = "Unknown";
    String message = "";
    String error = "";
    for (JsonNode c : obj.path("conditions")) {
      if (c.path("type").asText().equals("Healthy")) {
        status = c.path("status").asText().equals("True") ? "Healthy" : "Unhealthy";
        message = c.path("message").asText("");
        error = c.path("error").asText("");
      }
    }
    return List.of(Meta.name(obj), status, message, error);
  }
}
