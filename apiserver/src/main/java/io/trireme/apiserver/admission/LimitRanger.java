package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.limitrange.LimitRangeStrategy;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.generic.Admission;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.Quantity;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * LimitRanger for pods: the namespace's Container limit ranges fill in missing requests (defaultRequest) and
 * limits (default), noted in the {@code kubernetes.io/limit-ranger} annotation; then each container's requests
 * must be at least {@code min} and its limits at most {@code max} (Pod ranges: the sums), else 403 Forbidden.
 */
public final class LimitRanger implements Admission {
  private static final String ANNOTATION = "kubernetes.io/limit-ranger";
  private final EtcdKv kv;

  public LimitRanger(EtcdKv kv) {
    this.kv = kv;
  }

  private CompletableFuture<List<JsonNode>> limits(String namespace) {
    String prefix = LimitRangeStrategy.INFO.listPrefix(namespace);
    return kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix))
        .build()).thenApply(r -> {
          List<JsonNode> out = new ArrayList<>();
          for (KeyValue k : r.getKvsList()) {
            Json.object(k.getValue().toByteArray()).path("spec").path("limits").forEach(out::add);
          }
          return out;
        });
  }

  @Override
  public CompletableFuture<Void> mutateCreate(ResourceInfo info, ObjectNode pod) {
    if (!info.equals(PodStrategy.INFO)) {
      return CompletableFuture.completedFuture(null);
    }
    return limits(Meta.namespace(pod)).thenAccept(items -> {
      List<String> set = new ArrayList<>();
      for (JsonNode item : items) {
        if (!item.path("type").asText().equals("Container")) {
          continue;
        }
        for (ObjectNode c : containers(pod)) {
          ObjectNode resources = c.get("resources") instanceof ObjectNode r ? r : c.putObject("resources");
          fill(resources, "requests", item.path("defaultRequest"), "request", c, set);
          fill(resources, "limits", item.path("default"), "limit", c, set);
        }
      }
      if (!set.isEmpty()) {
        ObjectNode meta = Meta.meta(pod);
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        annotations.put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", set));
      }
    });
  }

  private static void fill(ObjectNode resources, String field, JsonNode defaults, String what, ObjectNode c,
      List<String> set) {
    if (defaults.isEmpty()) {
      return;
    }
    ObjectNode target = resources.get(field) instanceof ObjectNode t ? t : null;
    for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (target == null || !target.has(e.getKey())) {
        if (target == null) {
          target = resources.putObject(field);
        }
        target.set(e.getKey(), e.getValue().deepCopy());
        set.add(e.getKey() + " " + what + " for container " + c.path("name").asText());
      }
    }
  }

  @Override
  public CompletableFuture<Void> admitCreate(ResourceInfo info, ObjectNode pod) {
    if (!info.equals(PodStrategy.INFO)) {
      return CompletableFuture.completedFuture(null);
    }
    return limits(Meta.namespace(pod)).thenAccept(items -> {
      List<String> errors = new ArrayList<>();
      for (JsonNode item : items) {
        String type = item.path("type").asText();
        if (type.equals("Container")) {
          for (ObjectNode c : containers(pod)) {
            check(item, "Container", c.path("resources").path("requests"), c.path("resources").path("limits"),
                errors);
          }
        } else if (type.equals("Pod")) {
          check(item, "Pod", sum(pod, "requests"), sum(pod, "limits"), errors);
        }
      }
      if (!errors.isEmpty()) {
        throw ApiException.forbidden("", "pods", Meta.name(pod), errors.size() == 1 ? errors.get(0)
            : "[" + String.join(", ", errors) + "]");
      }
    });
  }

  /** kube's minConstraint / maxConstraint messages. */
  private static void check(JsonNode item, String type, JsonNode requests, JsonNode limits, List<String> errors) {
    item.path("min").fields().forEachRemaining(e -> {
      JsonNode req = requests.get(e.getKey());
      if (req == null) {
        errors.add("minimum " + e.getKey() + " usage per " + type + " is " + e.getValue().asText()
            + ".  No request is specified");
      } else if (Quantity.parse(req).compareTo(Quantity.parse(e.getValue())) < 0) {
        errors.add("minimum " + e.getKey() + " usage per " + type + " is " + e.getValue().asText() + ", but request is "
            + req.asText());
      }
    });
    item.path("max").fields().forEachRemaining(e -> {
      JsonNode lim = limits.get(e.getKey());
      if (lim == null) {
        errors.add("maximum " + e.getKey() + " usage per " + type + " is " + e.getValue().asText()
            + ".  No limit is specified");
      } else if (Quantity.parse(lim).compareTo(Quantity.parse(e.getValue())) > 0) {
        errors.add("maximum " + e.getKey() + " usage per " + type + " is " + e.getValue().asText() + ", but limit is "
            + lim.asText());
      }
    });
  }

  private static ObjectNode sum(ObjectNode pod, String field) {
    ObjectNode out = pod.objectNode();
    for (ObjectNode c : containers(pod)) {
      c.path("resources").path(field).fields().forEachRemaining(e -> {
        Quantity q = Quantity.parse(e.getValue());
        Quantity prev = out.has(e.getKey()) ? Quantity.parse(out.get(e.getKey())) : Quantity.ZERO;
        out.put(e.getKey(), prev.plus(q).text());
      });
    }
    return out;
  }

  /** The pod's app containers (init containers are not summed or defaulted here). */
  private static List<ObjectNode> containers(ObjectNode pod) {
    List<ObjectNode> out = new ArrayList<>();
    pod.path("spec").path("containers").forEach(c -> {
      if (c instanceof ObjectNode o) {
        out.add(o);
      }
    });
    return out;
  }
}
