package io.trireme.apiserver.registry.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Nodes: cluster-scoped, kube's node columns (STATUS from the Ready condition and unschedulable, ROLES). */
public final class NodeStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Node", "nodes", "node", false,
      List.of("no"), List.of(), true);
  private static final String ROLE_PREFIX = "node-role.kubernetes.io/";

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    // kubelets register nodes with their status; it is kept on create
  }

  @Override
  public PatchMeta patchMeta() {
    return PatchMeta.OBJECT_META.with("status.conditions", "type").with("status.addresses", "type")
        .with("spec.podCIDRs", "");
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Status", "string", "The status of the node"),
        Column.of("Roles", "string", "The roles of the node"),
        Column.ageColumn(),
        Column.of("Version", "string", "Kubelet Version reported by the node."),
        Column.wide("Internal-IP", "string", "List of internal IPs for the node."),
        Column.wide("External-IP", "string", "List of external IPs for the node."),
        Column.wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        Column.wide("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        Column.wide("Container-Runtime", "string", "Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2)."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    String status = "Unknown";
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
      }
    }
    if (obj.path("spec").path("unschedulable").asBoolean(false)) {
      status += ",SchedulingDisabled";
    }
    List<String> roles = new ArrayList<>();
    Meta.labels(obj).keySet().forEach(k -> {
      if (k.startsWith(ROLE_PREFIX) && k.length() > ROLE_PREFIX.length()) {
        roles.add(k.substring(ROLE_PREFIX.length()));
      }
    });
    JsonNode info = obj.path("status").path("nodeInfo");
    return List.of(Meta.name(obj), status, roles.isEmpty() ? "<none>" : String.join(",", roles),
        Tables.age(obj, now), info.path("kubeletVersion").asText(""), address(obj, "InternalIP"),
        address(obj, "ExternalIP"), orUnknown(info.path("osImage").asText("")),
        orUnknown(info.path("kernelVersion").asText("")), orUnknown(info.path("containerRuntimeVersion").asText("")));
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  private static String address(ObjectNode obj, String type) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : obj.path("status").path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        out.add(a.path("address").asText());
      }
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    if (field.equals("spec.unschedulable")) {
      return Optional.of(Boolean.toString(obj.path("spec").path("unschedulable").asBoolean(false)));
    }
    return ResourceStrategy.super.fieldValue(obj, field);
  }
}
