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
      Map.entry("replicasets", "{\"spec\":" + TEMPLATE + "}"));

  private ContractSamples() {}

  static boolean has(ResourceInfo info) {
    return BODIES.containsKey(info.resource());
  }

  static ObjectNode sample(ResourceInfo info, String name) {
    ObjectNode obj = Json.object(BODIES.get(info.resource()).getBytes(StandardCharsets.UTF_8));
    obj.put("apiVersion", info.apiVersion()).put("kind", info.kind());
    obj.putObject("metadata").put("name", name);
    return obj;
  }
}
