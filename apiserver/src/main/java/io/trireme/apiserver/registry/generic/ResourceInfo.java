package io.trireme.apiserver.registry.generic;

import java.util.List;
import java.util.Objects;

/** What a resource is called and where it lives: the facts discovery, routing and storage share. */
public record ResourceInfo(String group, String version, String kind, String resource, String singular,
    boolean namespaced, List<String> shortNames, List<String> categories, boolean hasStatus) {

  public ResourceInfo {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(singular, "singular");
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public String listKind() {
    return kind + "List";
  }

  /** {@code /registry/<resource>/}; namespaced objects add {@code <namespace>/}. */
  public String keyPrefix() {
    return "/registry/" + resource + "/";
  }

  public String key(String namespace, String name) {
    return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
  }

  /** The prefix that selects one namespace (or everything when {@code namespace} is empty). */
  public String listPrefix(String namespace) {
    return namespaced && namespace != null && !namespace.isEmpty() ? keyPrefix() + namespace + "/"
        : keyPrefix();
  }
}
