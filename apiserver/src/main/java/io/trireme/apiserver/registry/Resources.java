package io.trireme.apiserver.registry;

import io.trireme.apiserver.registry.core.configmap.ConfigMapStrategy;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import java.util.List;

/** The registration: every served resource, in discovery order. Adding a resource is one line here. */
public final class Resources {
  private Resources() {}

  public static List<ResourceStrategy> all() {
    return List.of(
        new NamespaceStrategy(),
        new ConfigMapStrategy());
  }
}
