package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.core.resourcequota.ResourceQuotaStrategy;
import io.trireme.apiserver.registry.core.service.ServiceStrategy;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.Quantity;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.WriteEffect;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * ResourceQuota admission, written into the object's own Txn: creating an object adds its usage (object counts,
 * pod cpu/memory requests and limits) to {@code status.used} of every quota in the namespace that limits it,
 * with a compare on each quota's revision, so concurrent creates on any apiserver cannot pass the hard limit;
 * removing the object gives the usage back. A new or changed quota gets {@code status.hard} from its spec and
 * {@code status.used} counted from the namespace. Quota scopes are not evaluated yet.
 */
public final class ResourceQuotaEffect implements WriteEffect {
  private static final Map<String, String> LEGACY_COUNTS = Map.of("pods", "pods", "services", "services",
      "configmaps", "configmaps", "secrets", "secrets", "replicationcontrollers", "replicationcontrollers",
      "persistentvolumeclaims", "persistentvolumeclaims", "resourcequotas", "resourcequotas");
  private final EtcdKv kv;

  public ResourceQuotaEffect(EtcdKv kv) {
    this.kv = kv;
  }

  /** The usage one object adds: count/<resource>[.<group>], legacy counts, pod requests and limits. */
  static Map<String, Quantity> usage(ResourceInfo info, JsonNode obj) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    String count = "count/" + info.resource() + (info.group().isEmpty() ? "" : "." + info.group());
    out.put(count, Quantity.parse("1"));
    if (info.group().isEmpty() && LEGACY_COUNTS.containsKey(info.resource())) {
      out.put(LEGACY_COUNTS.get(info.resource()), Quantity.parse("1"));
    }
    if (info.equals(ServiceStrategy.INFO)) {
      String type = obj.path("spec").path("type").asText("ClusterIP");
      if (type.equals("NodePort") || type.equals("LoadBalancer")) {
        out.put("services.nodeports", Quantity.parse(Integer.toString(obj.path("spec").path("ports").size())));
      }
      if (type.equals("LoadBalancer")) {
        out.put("services.loadbalancers", Quantity.parse("1"));
      }
    }
    if (info.equals(PodStrategy.INFO)) {
      for (JsonNode c : obj.path("spec").path("containers")) {
        add(out, c.path("resources").path("requests"), "requests.", true);
        add(out, c.path("resources").path("limits"), "limits.", false);
      }
    }
    return out;
  }

  private static void add(Map<String, Quantity> out, JsonNode resources, String prefix, boolean bare) {
    resources.fields().forEachRemaining(e -> {
      Quantity q = Quantity.parse(e.getValue());
      out.merge(prefix + e.getKey(), q, Quantity::plus);
      if (bare) {
        out.merge(e.getKey(), q, Quantity::plus);
      }
    });
  }

  @Override
  public CompletableFuture<Effect> prepare(ResourceInfo info, ObjectNode next, ObjectNode cur, boolean dryRun) {
    if (!info.namespaced() || (next != null && cur != null && !info.equals(ResourceQuotaStrategy.INFO))) {
      return CompletableFuture.completedFuture(Effect.NONE);
    }
    if (info.equals(ResourceQuotaStrategy.INFO)) {
      return next == null ? CompletableFuture.completedFuture(Effect.NONE) : initialize(next);
    }
    ObjectNode obj = next != null ? next : cur;
    String namespace = Meta.namespace(obj);
    String prefix = ResourceQuotaStrategy.INFO.listPrefix(namespace);
    return kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix))
        .build()).thenApply(r -> {
          if (r.getKvsCount() == 0) {
            return Effect.NONE;
          }
          Map<String, Quantity> delta = usage(info, obj);
          List<Compare> compares = new ArrayList<>();
          List<RequestOp> ops = new ArrayList<>();
          List<String> reads = new ArrayList<>();
          for (KeyValue k : r.getKvsList()) {
            ObjectNode quota = Json.object(k.getValue().toByteArray());
            if (!charge(quota, delta, next != null, info, obj)) {
              continue;
            }
            String key = k.getKey().toStringUtf8();
            compares.add(Compare.newBuilder().setKey(k.getKey()).setTarget(Compare.CompareTarget.MOD)
                .setResult(Compare.CompareResult.EQUAL).setModRevision(k.getModRevision()).build());
            ops.add(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(k.getKey())
                .setValue(ByteString.copyFrom(Json.bytes(quota)))).build());
            reads.add(key);
          }
          return new Effect(compares, ops, reads, kvs -> Optional.empty());
        });
  }

  /**
   * Adds (or on removal subtracts) {@code delta} to the quota's used amounts for the resources it limits;
   * false when it limits none. A create that would pass a hard limit is 403 Forbidden.
   */
  private static boolean charge(ObjectNode quota, Map<String, Quantity> delta, boolean adding, ResourceInfo info,
      ObjectNode obj) {
    JsonNode hard = quota.path("status").path("hard").isEmpty() ? quota.path("spec").path("hard")
        : quota.path("status").path("hard");
    ObjectNode status = quota.get("status") instanceof ObjectNode s ? s : quota.putObject("status");
    ObjectNode used = status.get("used") instanceof ObjectNode u ? u : status.putObject("used");
    List<String> requested = new ArrayList<>();
    List<String> usedText = new ArrayList<>();
    List<String> limited = new ArrayList<>();
    boolean touched = false;
    for (Map.Entry<String, Quantity> d : delta.entrySet()) {
      JsonNode limit = hard.get(d.getKey());
      if (limit == null) {
        continue;
      }
      touched = true;
      Quantity now = used.has(d.getKey()) ? Quantity.parse(used.get(d.getKey())) : Quantity.ZERO;
      Quantity after = adding ? now.plus(d.getValue()) : now.plus(new Quantity(d.getValue().value().negate()));
      if (after.negative()) {
        after = Quantity.ZERO;
      }
      if (adding && after.compareTo(Quantity.parse(limit)) > 0) {
        requested.add(d.getKey() + "=" + d.getValue().text());
        usedText.add(d.getKey() + "=" + now.text());
        limited.add(d.getKey() + "=" + limit.asText());
      }
      used.put(d.getKey(), after.text());
    }
    if (!requested.isEmpty()) {
      throw ApiException.forbidden(info.group(), info.resource(), Meta.name(obj), "exceeded quota: "
          + Meta.name(quota) + ", requested: " + String.join(",", requested) + ", used: " + String.join(",", usedText)
          + ", limited: " + String.join(",", limited));
    }
    return touched;
  }

  /** status.hard from spec.hard, status.used counted from what the namespace holds now. */
  private CompletableFuture<Effect> initialize(ObjectNode quota) {
    ObjectNode status = quota.get("status") instanceof ObjectNode s ? s : quota.putObject("status");
    status.set("hard", quota.path("spec").path("hard").deepCopy());
    TreeMap<String, Quantity> totals = new TreeMap<>();
    List<CompletableFuture<Void>> counts = new ArrayList<>();
    for (Iterator<String> it = quota.path("spec").path("hard").fieldNames(); it.hasNext(); ) {
      String resource = it.next();
      totals.put(resource, Quantity.ZERO);
    }
    String ns = Meta.namespace(quota);
    for (String resource : List.of("pods", "services", "configmaps", "secrets")) {
      String prefix = "/registry/" + resource + "/" + ns + "/";
      ResourceInfo info = switch (resource) {
        case "pods" -> PodStrategy.INFO;
        case "services" -> ServiceStrategy.INFO;
        default -> new ResourceInfo("", "v1", resource, resource, resource, true, List.of(), List.of(), false);
      };
      counts.add(kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix))
          .build()).thenAccept(r -> {
            synchronized (totals) {
              for (KeyValue k : r.getKvsList()) {
                usage(info, Json.object(k.getValue().toByteArray())).forEach((name, q) -> {
                  if (totals.containsKey(name)) {
                    totals.put(name, totals.get(name).plus(q));
                  }
                });
              }
            }
          }));
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      ObjectNode used = status.putObject("used");
      totals.forEach((name, q) -> used.put(name, q.text()));
      return Effect.NONE;
    });
  }
}
