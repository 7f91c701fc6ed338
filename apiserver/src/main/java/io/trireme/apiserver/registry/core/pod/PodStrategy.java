package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pods: PodSpec defaults, phase Pending and QoS class on create, kube's pod columns and field selectors. */
public final class PodStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Pod", "pods", "pod", true,
      List.of("po"), List.of("all"), true);
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META.with("spec", PatchMeta.POD_SPEC)
      .with("status.conditions", "type").with("status.podIPs", "ip").with("status.hostIPs", "ip");

  private final Map<String, PostSubresource> subresources;

  public PodStrategy(Clock clock) {
    this.subresources = Map.of("binding", new PodBinding(clock), "eviction", new PodEviction(clock));
  }

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public Map<String, PostSubresource> postSubresources() {
    return subresources;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    if (obj.get("spec") instanceof ObjectNode spec) {
      PodSpecs.applyDefaults(spec);
      if (!spec.has("enableServiceLinks")) {
        spec.put("enableServiceLinks", true);
      }
      if (!spec.has("priority")) {
        spec.put("priority", 0);
      }
      if (!spec.has("preemptionPolicy")) {
        spec.put("preemptionPolicy", "PreemptLowerPriority");
      }
    }
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    ObjectNode status = obj.putObject("status").put("phase", "Pending");
    status.put("qosClass", qosClass(obj.path("spec")));
  }

  static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (JsonNode c : spec.path("containers")) {
      JsonNode req = c.path("resources").path("requests");
      JsonNode lim = c.path("resources").path("limits");
      any |= req.size() > 0 || lim.size() > 0;
      guaranteed &= lim.has("cpu") && lim.has("memory") && (req.size() == 0 || req.equals(lim));
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    return PodSpecs.validate(obj.path("spec"), "spec");
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    String oldNode = old.path("spec").path("nodeName").asText("");
    if (!oldNode.isEmpty() && !oldNode.equals(obj.path("spec").path("nodeName").asText(""))) {
      causes.add(Validation.immutable("spec.nodeName"));
    }
    return causes;
  }

  @Override
  public boolean returnDeletedObject() {
    return true;
  }

  @Override
  public PatchMeta patchMeta() {
    return PATCH;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        Column.of("Status", "string", "The aggregate status of the containers in this pod."),
        Column.of("Restarts", "string", "The number of times the containers in this pod have been restarted "
            + "and when the last container in this pod has restarted."),
        Column.ageColumn(),
        Column.wide("IP", "string", "IP address allocated to the pod. Routable at least within the cluster."),
        Column.wide("Node", "string", "Name of the node this pod is scheduled to."),
        Column.wide("Nominated Node", "string", "Name of the node this pod is nominated to."),
        Column.wide("Readiness Gates", "string", "All readiness gates are evaluated for pod readiness."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode status = obj.path("status");
    int total = obj.path("spec").path("containers").size();
    int ready = 0;
    long restarts = 0;
    for (JsonNode cs : status.path("containerStatuses")) {
      ready += cs.path("ready").asBoolean(false) ? 1 : 0;
      restarts += cs.path("restartCount").asLong(0);
    }
    String reason = status.path("reason").asText("");
    String phase = reason.isEmpty() ? status.path("phase").asText("") : reason;
    if (Meta.deleting(obj)) {
      phase = "Terminating";
    }
    String gates = obj.path("spec").path("readinessGates").size() == 0 ? "<none>"
        : "0/" + obj.path("spec").path("readinessGates").size();
    return List.of(Meta.name(obj), ready + "/" + total, phase, restarts, Tables.age(obj, now),
        orNone(status.path("podIP").asText("")), orNone(obj.path("spec").path("nodeName").asText("")),
        orNone(status.path("nominatedNodeName").asText("")), gates);
  }

  static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    return switch (field) {
      case "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork" -> Optional.of(obj.path("spec").path(field.substring(5)).asText(
              field.equals("spec.hostNetwork") ? "false" : ""));
      case "status.phase", "status.podIP", "status.nominatedNodeName" ->
          Optional.of(obj.path("status").path(field.substring(7)).asText(""));
      default -> ResourceStrategy.super.fieldValue(obj, field);
    };
  }
}
