package io.trireme.apiserver.registry.generic.patch;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Strategic-merge-patch metadata of a kind: for each list field (dotted path of field names; list items do
 * not add a segment) its patch merge key, or "" for a primitive list with strategy {@code merge}. Lists not
 * named here are atomic (replaced), as in Kubernetes' Go types.
 */
public record PatchMeta(Map<String, String> mergeKeys) {
  public static final PatchMeta OBJECT_META = new PatchMeta(Map.of("metadata.finalizers", "",
      "metadata.ownerReferences", "uid"));

  /** The pod spec's keys (k8s.io/api/core/v1.PodSpec), relative to the spec. */
  public static final PatchMeta POD_SPEC = podSpec();

  public PatchMeta {
    mergeKeys = Map.copyOf(mergeKeys);
  }

  public Optional<String> mergeKey(String path) {
    return Optional.ofNullable(mergeKeys.get(path));
  }

  /** This metadata plus {@code other} mounted under {@code prefix}. */
  public PatchMeta with(String prefix, PatchMeta other) {
    Map<String, String> m = new HashMap<>(mergeKeys);
    other.mergeKeys.forEach((k, v) -> m.put(prefix.isEmpty() ? k : prefix + "." + k, v));
    return new PatchMeta(m);
  }

  public PatchMeta with(String path, String mergeKey) {
    Map<String, String> m = new HashMap<>(mergeKeys);
    m.put(path, mergeKey);
    return new PatchMeta(m);
  }

  private static PatchMeta podSpec() {
    Map<String, String> m = new HashMap<>();
    for (String c : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
      m.put(c, "name");
      m.put(c + ".ports", "containerPort");
      m.put(c + ".env", "name");
      m.put(c + ".volumeMounts", "mountPath");
      m.put(c + ".volumeDevices", "devicePath");
      m.put(c + ".resizePolicy", "resourceName");
    }
    m.put("volumes", "name");
    m.put("imagePullSecrets", "name");
    m.put("hostAliases", "ip");
    m.put("topologySpreadConstraints", "topologyKey");
    m.put("schedulingGates", "name");
    m.put("resourceClaims", "name");
    return new PatchMeta(m);
  }
}
