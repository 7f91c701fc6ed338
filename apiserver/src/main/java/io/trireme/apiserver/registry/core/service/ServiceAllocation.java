package io.trireme.apiserver.registry.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.WriteEffect;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ClusterIP and NodePort allocation in the Service's own Txn: every allocated address or port is one key,
 * {@code /registry/ranges/serviceips/<ip>} or {@code /registry/ranges/servicenodeports/<port>}, created only if
 * absent (create revision 0) and deleted with the Service. Two apiservers racing for one value cannot both
 * win: the loser's Txn fails, an automatic pick is retried with another value, a requested one is 422 Invalid.
 */
public final class ServiceAllocation implements WriteEffect {
  static final String IP_PREFIX = "/registry/ranges/serviceips/";
  static final String PORT_PREFIX = "/registry/ranges/servicenodeports/";

  private final EtcdKv kv;
  private final ServiceRange ips;
  private final PortRange ports;

  public ServiceAllocation(EtcdKv kv, ServiceRange ips, PortRange ports) {
    this.kv = kv;
    this.ips = ips;
    this.ports = ports;
  }

  /** An inclusive node port range, e.g. 30000-32767. */
  public record PortRange(int first, int last) {
    public PortRange {
      if (first < 1 || last > 65535 || first > last) {
        throw new IllegalArgumentException("bad node port range " + first + "-" + last);
      }
    }

    public static PortRange parse(String s) {
      String[] p = s.split("-");
      return new PortRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
    }

    boolean contains(long port) {
      return port >= first && port <= last;
    }

    @Override
    public String toString() {
      return first + "-" + last;
    }
  }

  @Override
  public CompletableFuture<Effect> prepare(ResourceInfo info, ObjectNode next, ObjectNode cur, boolean dryRun) {
    if (!info.equals(ServiceStrategy.INFO)) {
      return CompletableFuture.completedFuture(Effect.NONE);
    }
    Set<String> owned = cur == null ? Set.of() : held(cur);
    if (next == null) {
      return CompletableFuture.completedFuture(effect(cur, Set.of(), owned, Map.of()));
    }
    List<Cause> causes = new ArrayList<>();
    Map<String, String> requested = new LinkedHashMap<>();
    JsonNode spec = next.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    String ip = spec.path("clusterIP").asText("");
    boolean needsIp = !type.equals("ExternalName") && ip.isEmpty();
    if (!ip.isEmpty() && !ip.equals("None") && !owned.contains(IP_PREFIX + ip)) {
      String err = ips.check(ip);
      if (err != null) {
        causes.add(ipCause(ip, err));
      }
      requested.put(IP_PREFIX + ip, "spec.clusterIPs");
    }
    boolean wantsNodePorts = type.equals("NodePort") || (type.equals("LoadBalancer")
        && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    List<ObjectNode> needPort = new ArrayList<>();
    JsonNode portList = spec.path("ports");
    for (int i = 0; i < portList.size(); i++) {
      JsonNode p = portList.get(i);
      if (!p.hasNonNull("nodePort") || p.get("nodePort").asLong() == 0) {
        if (wantsNodePorts && p instanceof ObjectNode po) {
          needPort.add(po);
        }
        continue;
      }
      long n = p.get("nodePort").asLong();
      String field = "spec.ports[" + i + "].nodePort";
      if (!wantsNodePorts) {
        causes.add(new Cause("FieldValueForbidden", field, "Forbidden: may not be used when `type` is '" + type + "'"));
      } else if (!ports.contains(n)) {
        causes.add(new Cause("FieldValueInvalid", field, "Invalid value: " + n + ": provided port is not in the valid "
            + "range. The range of valid ports is " + ports));
      } else if (!owned.contains(PORT_PREFIX + n) && requested.put(PORT_PREFIX + n, field) != null) {
        causes.add(new Cause("FieldValueDuplicate", field, "Duplicate value: " + n));
      }
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid("", "Service", Meta.name(next), causes);
    }
    CompletableFuture<Set<String>> taken = needsIp || !needPort.isEmpty() || !requested.isEmpty()
        ? allocated() : CompletableFuture.completedFuture(Set.of());
    return taken.thenApply(used -> {
      for (Map.Entry<String, String> r : requested.entrySet()) {
        if (used.contains(r.getKey())) {
          throw taken(next, r.getKey(), r.getValue());
        }
      }
      ObjectNode s = (ObjectNode) next.get("spec");
      if (needsIp) {
        String picked = ips.pick(used, IP_PREFIX);
        s.put("clusterIP", picked);
        s.putArray("clusterIPs").add(picked);
      }
      Set<String> usedPorts = new HashSet<>(used);
      for (ObjectNode p : needPort) {
        int port = pickPort(usedPorts, next);
        usedPorts.add(PORT_PREFIX + port);
        p.put("nodePort", port);
      }
      return effect(next, held(next), owned, requested);
    });
  }

  private static Cause ipCause(String ip, String err) {
    return new Cause("FieldValueInvalid", "spec.clusterIPs", "Invalid value: [\"" + ip + "\"]: failed to allocate IP "
        + ip + ": " + err);
  }

  private static ApiException taken(ObjectNode svc, String key, String field) {
    Cause c = key.startsWith(IP_PREFIX) ? ipCause(key.substring(IP_PREFIX.length()), "provided IP is already allocated")
        : new Cause("FieldValueInvalid", field, "Invalid value: " + key.substring(PORT_PREFIX.length())
            + ": provided port is already allocated");
    return ApiException.invalid("", "Service", Meta.name(svc), List.of(c));
  }

  private int pickPort(Set<String> used, ObjectNode svc) {
    int size = ports.last() - ports.first() + 1;
    int start = ThreadLocalRandom.current().nextInt(size);
    for (int i = 0; i < size; i++) {
      int port = ports.first() + (start + i) % size;
      if (!used.contains(PORT_PREFIX + port)) {
        return port;
      }
    }
    throw ApiException.invalid("", "Service", Meta.name(svc), List.of(new Cause("FieldValueInvalid",
        "spec.ports", "Invalid value: range is full: no node ports left in " + ports)));
  }

  /** The allocation keys an object holds. */
  static Set<String> held(ObjectNode svc) {
    Set<String> out = new HashSet<>();
    JsonNode spec = svc.path("spec");
    String ip = spec.path("clusterIP").asText("");
    if (!ip.isEmpty() && !ip.equals("None") && !spec.path("type").asText("").equals("ExternalName")) {
      out.add(IP_PREFIX + ip);
    }
    for (JsonNode p : spec.path("ports")) {
      if (p.hasNonNull("nodePort") && p.get("nodePort").asLong() > 0) {
        out.add(PORT_PREFIX + p.get("nodePort").asLong());
      }
    }
    return out;
  }

  /** Claims (create-only) what {@code wanted} has beyond {@code owned}; releases what it no longer has. */
  private static Effect effect(ObjectNode svc, Set<String> wanted, Set<String> owned, Map<String, String> requested) {
    List<Compare> compares = new ArrayList<>();
    List<RequestOp> ops = new ArrayList<>();
    List<String> claims = new ArrayList<>();
    String owner = "services/" + Meta.namespace(svc) + "/" + Meta.name(svc);
    for (String k : wanted) {
      if (!owned.contains(k)) {
        claims.add(k);
        compares.add(Compare.newBuilder().setKey(EtcdKv.bytes(k)).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0).build());
        ops.add(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(EtcdKv.bytes(k))
            .setValue(EtcdKv.bytes(owner))).build());
      }
    }
    for (String k : owned) {
      if (!wanted.contains(k)) {
        ops.add(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
            .setKey(EtcdKv.bytes(k))).build());
      }
    }
    return new Effect(compares, ops, claims, kvs -> {
      for (int i = 0; i < kvs.size(); i++) {
        KeyValue held = kvs.get(i);
        String field = requested.get(claims.get(i));
        if (held != null && field != null) {
          return Optional.of(taken(svc, claims.get(i), field));
        }
      }
      return Optional.empty();
    });
  }

  /** Every allocation key now held (keys only). */
  private CompletableFuture<Set<String>> allocated() {
    RangeRequest ipReq = RangeRequest.newBuilder().setKey(EtcdKv.bytes(IP_PREFIX))
        .setRangeEnd(EtcdKv.prefixEnd(IP_PREFIX)).setKeysOnly(true).build();
    RangeRequest portReq = RangeRequest.newBuilder().setKey(EtcdKv.bytes(PORT_PREFIX))
        .setRangeEnd(EtcdKv.prefixEnd(PORT_PREFIX)).setKeysOnly(true).build();
    return kv.range(ipReq).thenCombine(kv.range(portReq), (a, b) -> {
      Set<String> out = new HashSet<>();
      a.getKvsList().forEach(k -> out.add(k.getKey().toStringUtf8()));
      b.getKvsList().forEach(k -> out.add(k.getKey().toStringUtf8()));
      return out;
    });
  }
}
