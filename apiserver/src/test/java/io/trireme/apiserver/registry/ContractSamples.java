package io.trireme.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A valid object of every registered resource; a new resource without a sample fails the contract test. */
final class ContractSamples {
  private static final String TEMPLATE = "{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":"
      + "{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}";
  private static final Map<String, String> BODIES = Map.ofEntries(
      Map.entry("namespaces", "{}"),
      Map.entry("configmaps", "{\"data\":{\"k\":\"v\"}}"),
      Map.entry("secrets", "{\"stringData\":{\"k\":\"v\"}}"),
      Map.entry("serviceaccounts", "{}"),
      Map.entry("pods", "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\","
          + "\"ports\":[{\"containerPort\":80}]}]}}"),
      Map.entry("nodes", "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"),
      Map.entry("services", "{\"spec\":{\"selector\":{\"app\":\"x\"},\"ports\":[{\"port\":80}]}}"),
      Map.entry("endpoints", "{\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],\"ports\":[{\"port\":80}]}]}"),
      Map.entry("events", "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"Test\","
          + "\"message\":\"m\",\"type\":\"Normal\"}"),
      Map.entry("leases", "{\"spec\":{\"holderIdentity\":\"me\",\"leaseDurationSeconds\":15}}"),
      Map.entry("deployments", "{\"spec\":" + TEMPLATE + "}"),
      Map.entry("replicasets", "{\"spec\":" + TEMPLATE + "}"),
      Map.entry("statefulsets", "{\"spec\":" + TEMPLATE.replace("{\"selector\"", "{\"serviceName\":\"x\",\"selector\"")
          + "}"),
      Map.entry("daemonsets", "{\"spec\":" + TEMPLATE + "}"),
      Map.entry("jobs", "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":"
          + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}"),
      Map.entry("cronjobs", "{\"spec\":{\"schedule\":\"*/5 * * * *\",\"jobTemplate\":{\"spec\":{\"template\":"
          + "{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}}}"),
      Map.entry("poddisruptionbudgets", "{\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":"
          + "{\"app\":\"x\"}}}}"),
      Map.entry("endpointslices", "{\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]}],"
          + "\"ports\":[{\"port\":80}]}"),
      Map.entry("events.k8s.io/events", "{\"eventTime\":\"2026-01-01T00:00:00.000000Z\",\"type\":\"Normal\","
          + "\"reportingController\":\"example.com/c\",\"reportingInstance\":\"i\",\"action\":\"Test\","
          + "\"reason\":\"Test\",\"regarding\":{\"kind\":\"Pod\",\"name\":\"p\"},\"note\":\"m\"}"),
      Map.entry("limitranges", "{\"spec\":{\"limits\":[{\"type\":\"Container\",\"max\":{\"cpu\":\"2\"},"
          + "\"min\":{\"cpu\":\"100m\"}}]}}"),
      Map.entry("resourcequotas", "{\"spec\":{\"hard\":{\"pods\":\"100\",\"requests.cpu\":\"10\"}}}"),
      Map.entry("roles", "{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}]}"),
      Map.entry("clusterroles", "{\"rules\":[{\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]}]}"),
      Map.entry("rolebindings", "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\","
          + "\"name\":\"r\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}"),
      Map.entry("clusterrolebindings", "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
          + "\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":[{\"kind\":\"ServiceAccount\","
          + "\"name\":\"default\",\"namespace\":\"default\"}]}"));

  private ContractSamples() {}

  static boolean has(ResourceInfo info) {
    return BODIES.containsKey(key(info));
  }

  /** Samples are keyed by resource, or group/resource where two groups serve the same resource name. */
  private static String key(ResourceInfo info) {
    String qualified = info.group() + "/" + info.resource();
    return BODIES.containsKey(qualified) ? qualified : info.resource();
  }

  static ObjectNode sample(ResourceInfo info, String name) {
    ObjectNode obj = Json.object(BODIES.get(key(info)).getBytes(StandardCharsets.UTF_8));
    obj.put("apiVersion", info.apiVersion()).put("kind", info.kind());
    obj.putObject("metadata").put("name", name);
    return obj;
  }
}
