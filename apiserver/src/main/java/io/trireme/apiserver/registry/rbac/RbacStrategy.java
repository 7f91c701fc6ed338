package io.trireme.apiserver.registry.rbac;

import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Validation.NameRule;

/**
 * What the four RBAC kinds share: one strategy class serves the namespaced and the cluster-scoped kind (Role
 * and ClusterRole, RoleBinding and ClusterRoleBinding), and names are path segments (ValidateRBACName).
 */
public abstract class RbacStrategy implements ResourceStrategy {
  public static final String GROUP = "rbac.authorization.k8s.io";

  private final ResourceInfo info;

  protected RbacStrategy(ResourceInfo info) {
    this.info = info;
  }

  /** The ResourceInfo of an RBAC kind. */
  protected static ResourceInfo info(String kind, String resource, boolean namespaced) {
    return new ResourceInfo(GROUP, "v1", kind, resource, kind.toLowerCase(java.util.Locale.ROOT), namespaced,
        java.util.List.of(), java.util.List.of(), false);
  }

  @Override
  public final ResourceInfo info() {
    return info;
  }

  @Override
  public final NameRule nameRule() {
    return NameRule.PATH_SEGMENT;
  }
}
