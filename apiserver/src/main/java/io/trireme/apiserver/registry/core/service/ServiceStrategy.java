package io.trireme.apiserver.registry.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.Validation.NameRule;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Services: type/sessionAffinity/port defaults, port validation, kube's service columns. ClusterIPs and node
 * ports are allocated by {@link ServiceAllocation} in the Service's own store Txn; an update that omits them
 * keeps the allocated values (kube's patchAllocatedValues).
 */
public final class ServiceStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Service", "services", "service", true,
      List.of("svc"), List.of("all"), true);
  private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public NameRule nameRule() {
    return NameRule.DNS1035_LABEL;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (!spec.hasNonNull("type")) {
      spec.put("type", "ClusterIP");
    }
    if (!spec.hasNonNull("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    if (!spec.get("type").asText().equals("ExternalName")) {
      if (!spec.hasNonNull("internalTrafficPolicy")) {
        spec.put("internalTrafficPolicy", "Cluster");
      }
      if (!spec.hasNonNull("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      String ip = spec.path("clusterIP").asText("");
      if (!ip.isEmpty() && (!spec.has("clusterIPs") || spec.get("clusterIPs").isEmpty())) {
        spec.putArray("clusterIPs").add(ip);
      }
      if (spec.get("type").asText().equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
        spec.put("allocateLoadBalancerNodePorts", true);
      }
      if (spec.get("type").asText().equals("NodePort") || spec.get("type").asText().equals("LoadBalancer")) {
        if (!spec.hasNonNull("externalTrafficPolicy")) {
          spec.put("externalTrafficPolicy", "Cluster");
        }
      }
    }
    for (JsonNode p : spec.path("ports")) {
      if (p instanceof ObjectNode po) {
        if (!po.hasNonNull("protocol")) {
          po.put("protocol", "TCP");
        }
        JsonNode target = po.get("targetPort");
        boolean unset = target == null || target.isNull() || (target.isInt() && target.asInt() == 0)
            || (target.isTextual() && target.asText().isEmpty());
        if (unset && po.has("port")) {
          po.set("targetPort", po.get("port"));
        }
      }
    }
  }

  /** Keeps the allocated clusterIP(s) and node ports an update body leaves out. */
  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    ResourceStrategy.super.prepareForUpdate(obj, old);
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    JsonNode was = old.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!type.equals("ExternalName") && spec.path("clusterIP").asText("").isEmpty() && was.hasNonNull("clusterIP")) {
      spec.set("clusterIP", was.get("clusterIP"));
      if (!spec.has("clusterIPs") || spec.get("clusterIPs").isEmpty()) {
        spec.set("clusterIPs", was.path("clusterIPs").deepCopy());
      }
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      for (JsonNode p : spec.path("ports")) {
        if (p instanceof ObjectNode po && (!po.hasNonNull("nodePort") || po.get("nodePort").asLong() == 0)) {
          for (JsonNode q : was.path("ports")) {
            if (q.path("port").equals(po.path("port")) && q.path("protocol").equals(po.path("protocol"))
                && q.hasNonNull("nodePort")) {
              po.set("nodePort", q.get("nodePort"));
            }
          }
        }
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!TYPES.contains(type)) {
      causes.add(Validation.notSupported("spec.type", type, TYPES));
    }
    if (type.equals("ExternalName")) {
      if (spec.path("externalName").asText("").isEmpty()) {
        causes.add(Validation.required("spec.externalName", "Required value"));
      }
      return causes;
    }
    JsonNode ports = spec.path("ports");
    if (ports.size() == 0 && !"None".equals(spec.path("clusterIP").asText(""))) {
      causes.add(Validation.required("spec.ports", "Required value"));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      long port = p.path("port").asLong(0);
      if (port < 1 || port > 65535) {
        causes.add(Validation.invalid("spec.ports[" + i + "].port", port, "must be between 1 and 65535, inclusive"));
      }
      String name = p.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        causes.add(Validation.required("spec.ports[" + i + "].name", "Required value"));
      } else if (!name.isEmpty() && !names.add(name)) {
        causes.add(new Cause("FieldValueDuplicate", "spec.ports[" + i + "].name", "Duplicate value: \"" + name
            + "\""));
      }
    }
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    String oldIp = old.path("spec").path("clusterIP").asText("");
    if (!oldIp.isEmpty() && !oldIp.equals(obj.path("spec").path("clusterIP").asText(""))) {
      causes.add(Validation.immutable("spec.clusterIP"));
    }
    return causes;
  }

  @Override
  public PatchMeta patchMeta() {
    return PatchMeta.OBJECT_META.with("spec.ports", "port").with("status.conditions", "type");
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Type", "string", "The type of the service"),
        Column.of("Cluster-IP", "string", "The cluster-internal IP of the service"),
        Column.of("External-IP", "string", "The external IPs of the service"),
        Column.of("Port(s)", "string", "The ports of the service"),
        Column.ageColumn(),
        Column.wide("Selector", "string", "The selector of the service"));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    List<String> ports = new ArrayList<>();
    for (JsonNode p : spec.path("ports")) {
      String s = p.path("port").asText();
      if (p.hasNonNull("nodePort")) {
        s += ":" + p.get("nodePort").asText();
      }
      ports.add(s + "/" + p.path("protocol").asText("TCP"));
    }
    List<String> external = new ArrayList<>();
    spec.path("externalIPs").forEach(ip -> external.add(ip.asText()));
    if (type.equals("ExternalName")) {
      external.add(spec.path("externalName").asText());
    }
    if (type.equals("LoadBalancer")) {
      obj.path("status").path("loadBalancer").path("ingress").forEach(i -> external.add(
          i.path("ip").asText(i.path("hostname").asText())));
      if (external.isEmpty()) {
        external.add("<pending>");
      }
    }
    List<String> selector = new ArrayList<>();
    for (Map.Entry<String, String> e : Meta.stringMap(spec.path("selector")).entrySet()) {
      selector.add(e.getKey() + "=" + e.getValue());
    }
    String clusterIp = spec.path("clusterIP").asText("");
    return List.of(Meta.name(obj), type, clusterIp.isEmpty() ? "<none>" : clusterIp,
        external.isEmpty() ? "<none>" : String.join(",", external),
        ports.isEmpty() ? "<none>" : String.join(",", ports), Tables.age(obj, now),
        selector.isEmpty() ? "<none>" : String.join(",", selector));
  }

}
