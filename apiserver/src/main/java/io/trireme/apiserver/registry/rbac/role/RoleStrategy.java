package io.trireme.apiserver.registry.rbac.role;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.rbac.RbacStrategy;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * Roles (namespaced) and ClusterRoles: ValidatePolicyRule for each rule. kube-apiserver prints both with the
 * default table (Name, Created At). Stored only: authorization does not read them yet.
 */
public final class RoleStrategy extends RbacStrategy {
  public static final ResourceInfo ROLE = info("Role", "roles", true);
  public static final ResourceInfo CLUSTER_ROLE = info("ClusterRole", "clusterroles", false);

  private RoleStrategy(ResourceInfo info) {
    super(info);
  }

  public static RoleStrategy role() {
    return new RoleStrategy(ROLE);
  }

  public static RoleStrategy clusterRole() {
    return new RoleStrategy(CLUSTER_ROLE);
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode rules = obj.path("rules");
    for (int i = 0; i < rules.size(); i++) {
      causes.addAll(rule(rules.get(i), "rules[" + i + "]", info().namespaced()));
    }
    return causes;
  }

  /** ValidatePolicyRule. */
  private static List<Cause> rule(JsonNode rule, String path, boolean namespaced) {
    List<Cause> causes = new ArrayList<>();
    if (rule.path("verbs").isEmpty()) {
      causes.add(Validation.required(path + ".verbs", "verbs must contain at least one value"));
    }
    if (!rule.path("nonResourceURLs").isEmpty()) {
      if (namespaced) {
        causes.add(Validation.invalid(path + ".nonResourceURLs", rule.path("nonResourceURLs"),
            "namespaced rules cannot apply to non-resource URLs"));
      }
      if (!rule.path("apiGroups").isEmpty() || !rule.path("resources").isEmpty()) {
        causes.add(Validation.invalid(path + ".nonResourceURLs", rule.path("nonResourceURLs"),
            "rules cannot apply to both regular resources and non-resource URLs"));
      }
      return causes;
    }
    if (rule.path("apiGroups").isEmpty()) {
      causes.add(Validation.required(path + ".apiGroups", "resource rules must supply at least one api group"));
    }
    if (rule.path("resources").isEmpty()) {
      causes.add(Validation.required(path + ".resources", "resource rules must supply at least one resource"));
    }
    return causes;
  }
}
