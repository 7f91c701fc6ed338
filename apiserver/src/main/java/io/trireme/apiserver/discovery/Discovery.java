package io.trireme.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import java.util.List;

/**
 * Discovery documents generated from the registered resources: legacy ({@code APIVersions},
 * {@code APIGroupList}, {@code APIGroup}, {@code APIResourceList}) and aggregated
 * ({@code apidiscovery.k8s.io} v2 and v2beta1 {@code APIGroupDiscoveryList}).
 */
public final class Discovery {
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Registry registry;

  public Discovery(Registry registry) {
    this.registry = registry;
  }

  public ObjectNode apiVersions(String serverAddress) {
    ObjectNode n = F.objectNode().put("kind", "APIVersions");
    n.putArray("versions").add("v1");
    n.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return n;
  }

  public ObjectNode groupList() {
    ObjectNode n = F.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = n.putArray("groups");
    for (String g : registry.groups()) {
      if (!g.isEmpty()) {
        groups.add(group(g));
      }
    }
    return n;
  }

  /** The {@code APIGroup} of a named group, or null when it is not served. */
  public ObjectNode group(String g) {
    List<String> versions = registry.versions(g);
    if (g.isEmpty() || versions.isEmpty()) {
      return null;
    }
    ObjectNode n = F.objectNode().put("kind", "APIGroup").put("apiVersion", "v1").put("name", g);
    ArrayNode vs = n.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", g + "/" + v).put("version", v);
    }
    n.putObject("preferredVersion").put("groupVersion", g + "/" + versions.get(0)).put("version",
        versions.get(0));
    return n;
  }

  /** The {@code APIResourceList} of a group/version, or null when it is not served. */
  public ObjectNode resourceList(String group, String version) {
    List<GenericStore> stores = registry.resources(group, version);
    if (stores.isEmpty()) {
      return null;
    }
    ObjectNode n = F.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode rs = n.putArray("resources");
    for (GenericStore s : stores) {
      ResourceInfo i = s.info();
      ObjectNode r = rs.addObject().put("name", i.resource()).put("singularName", i.singular())
          .put("namespaced", i.namespaced()).put("kind", i.kind());
      strings(r.putArray("verbs"), s.strategy().verbs());
      if (!i.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), i.shortNames());
      }
      if (!i.categories().isEmpty()) {
        strings(r.putArray("categories"), i.categories());
      }
      if (i.hasStatus()) {
        ObjectNode st = rs.addObject().put("name", i.resource() + "/status").put("singularName", "")
            .put("namespaced", i.namespaced()).put("kind", i.kind());
        strings(st.putArray("verbs"), STATUS_VERBS);
      }
      s.strategy().postSubresources().forEach((name, sub) -> {
        ObjectNode ps = rs.addObject().put("name", i.resource() + "/" + name).put("singularName", "")
            .put("namespaced", i.namespaced()).put("group", sub.group()).put("version", sub.version())
            .put("kind", sub.kind());
        ps.putArray("verbs").add("create");
      });
      if (s.strategy().hasScale()) {
        ObjectNode sc = rs.addObject().put("name", i.resource() + "/scale").put("singularName", "")
            .put("namespaced", i.namespaced()).put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
        strings(sc.putArray("verbs"), STATUS_VERBS);
      }
    }
    return n;
  }

  /** Aggregated discovery for {@code /api} (core=true) or {@code /apis}, in {@code apidiscovery.k8s.io/<v>}. */
  public ObjectNode aggregated(boolean core, String discoveryVersion) {
    ObjectNode n = F.objectNode().put("kind", "APIGroupDiscoveryList")
        .put("apiVersion", "apidiscovery.k8s.io/" + discoveryVersion);
    n.putObject("metadata");
    ArrayNode items = n.putArray("items");
    for (String g : registry.groups()) {
      if (g.isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      item.putObject("metadata").put("name", g).putNull("creationTimestamp");
      ArrayNode versions = item.putArray("versions");
      for (String v : registry.versions(g)) {
        ObjectNode ver = versions.addObject().put("version", v);
        ArrayNode resources = ver.putArray("resources");
        for (GenericStore s : registry.resources(g, v)) {
          resources.add(aggregatedResource(s.info(), s.strategy()));
        }
        ver.put("freshness", "Current");
      }
    }
    return n;
  }

  private static ObjectNode aggregatedResource(ResourceInfo i, ResourceStrategy strategy) {
    boolean scale = strategy.hasScale();
    ObjectNode r = F.objectNode().put("resource", i.resource());
    kind(r.putObject("responseKind"), i);
    r.put("scope", i.namespaced() ? "Namespaced" : "Cluster").put("singularResource", i.singular());
    strings(r.putArray("verbs"), strategy.verbs());
    if (!i.shortNames().isEmpty()) {
      strings(r.putArray("shortNames"), i.shortNames());
    }
    if (!i.categories().isEmpty()) {
      strings(r.putArray("categories"), i.categories());
    }
    if (i.hasStatus() || scale || !strategy.postSubresources().isEmpty()) {
      ArrayNode subs = r.putArray("subresources");
      strategy.postSubresources().forEach((name, sub) -> {
        ObjectNode ps = subs.addObject().put("subresource", name);
        ps.putObject("responseKind").put("group", sub.group()).put("version", sub.version()).put("kind", sub.kind());
        ps.putArray("verbs").add("create");
      });
      if (i.hasStatus()) {
        ObjectNode st = subs.addObject().put("subresource", "status");
        kind(st.putObject("responseKind"), i);
        strings(st.putArray("verbs"), STATUS_VERBS);
      }
      if (scale) {
        ObjectNode sc = subs.addObject().put("subresource", "scale");
        sc.putObject("responseKind").put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
        strings(sc.putArray("verbs"), STATUS_VERBS);
      }
    }
    return r;
  }

  private static void kind(ObjectNode n, ResourceInfo i) {
    n.put("group", i.group()).put("version", i.version()).put("kind", i.kind());
  }

  private static void strings(ArrayNode arr, List<String> values) {
    values.forEach(arr::add);
  }
}
