package io.trireme.apiserver.registry.rbac.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.rbac.RbacStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.Validation.NameRule;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * RoleBindings and ClusterRoleBindings: subject apiGroup defaults, a required and immutable roleRef (a
 * ClusterRoleBinding may only refer to a ClusterRole), valid subjects, kube's binding columns.
 */
public final class RoleBindingStrategy extends RbacStrategy {
  private static final String RBAC = GROUP;
  public static final ResourceInfo ROLE_BINDING = info("RoleBinding", "rolebindings", true);
  public static final ResourceInfo CLUSTER_ROLE_BINDING = info("ClusterRoleBinding", "clusterrolebindings", false);
  private static final List<String> SUBJECT_KINDS = List.of("ServiceAccount", "User", "Group");

  private RoleBindingStrategy(ResourceInfo info) {
    super(info);
  }

  public static RoleBindingStrategy roleBinding() {
    return new RoleBindingStrategy(ROLE_BINDING);
  }

  public static RoleBindingStrategy clusterRoleBinding() {
    return new RoleBindingStrategy(CLUSTER_ROLE_BINDING);
  }

  /** SetDefaults_Subject. */
  @Override
  public void applyDefaults(ObjectNode obj) {
    for (JsonNode s : obj.path("subjects")) {
      if (s instanceof ObjectNode subject && subject.path("apiGroup").asText("").isEmpty()) {
        String kind = subject.path("kind").asText("");
        if (kind.equals("User") || kind.equals("Group")) {
          subject.put("apiGroup", RBAC);
        } else if (kind.equals("ServiceAccount")) {
          subject.put("apiGroup", "");
        }
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode ref = obj.path("roleRef");
    if (!ref.path("apiGroup").asText("").equals(RBAC)) {
      causes.add(Validation.notSupported("roleRef.apiGroup", ref.path("apiGroup").asText(""), List.of(RBAC)));
    }
    List<String> kinds = info().namespaced() ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
    if (!kinds.contains(ref.path("kind").asText(""))) {
      causes.add(Validation.notSupported("roleRef.kind", ref.path("kind").asText(""), kinds));
    }
    String name = ref.path("name").asText("");
    if (name.isEmpty()) {
      causes.add(Validation.required("roleRef.name", "Required value"));
    } else {
      Validation.nameErrors(NameRule.PATH_SEGMENT, name).forEach(e -> causes.add(Validation.invalid("roleRef.name",
          name, e)));
    }
    JsonNode subjects = obj.path("subjects");
    for (int i = 0; i < subjects.size(); i++) {
      causes.addAll(subject(subjects.get(i), "subjects[" + i + "]", info().namespaced()));
    }
    return causes;
  }

  /** ValidateRoleBindingSubject. */
  private static List<Cause> subject(JsonNode s, String path, boolean namespaced) {
    List<Cause> causes = new ArrayList<>();
    String name = s.path("name").asText("");
    if (name.isEmpty()) {
      causes.add(Validation.required(path + ".name", "Required value"));
    }
    String kind = s.path("kind").asText("");
    String group = s.path("apiGroup").asText("");
    switch (kind) {
      case "ServiceAccount" -> {
        if (!name.isEmpty()) {
          Validation.nameErrors(NameRule.DNS_SUBDOMAIN, name).forEach(e -> causes.add(Validation.invalid(
              path + ".name", name, e)));
        }
        if (!group.isEmpty()) {
          causes.add(Validation.notSupported(path + ".apiGroup", group, List.of("")));
        }
        if (!namespaced && s.path("namespace").asText("").isEmpty()) {
          causes.add(Validation.required(path + ".namespace", "Required value"));
        }
      }
      case "User", "Group" -> {
        if (!group.equals(RBAC)) {
          causes.add(Validation.notSupported(path + ".apiGroup", group, List.of(RBAC)));
        }
      }
      default -> causes.add(Validation.notSupported(path + ".kind", kind, SUBJECT_KINDS));
    }
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (!obj.path("roleRef").equals(old.path("roleRef"))) {
      causes.add(Validation.invalid("roleRef", obj.path("roleRef"), "cannot change roleRef"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("Role", "string", "Role referred to by this binding."),
        Column.ageColumn(),
        Column.wide("Users", "string", "Users in the roleBinding."),
        Column.wide("Groups", "string", "Groups in the roleBinding."),
        Column.wide("ServiceAccounts", "string", "ServiceAccounts in the roleBinding."));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> accounts = new ArrayList<>();
    for (JsonNode s : obj.path("subjects")) {
      switch (s.path("kind").asText("")) {
        case "User" -> users.add(s.path("name").asText());
        case "Group" -> groups.add(s.path("name").asText());
        case "ServiceAccount" -> accounts.add(s.path("namespace").asText("") + ":" + s.path("name").asText());
        default -> { }
      }
    }
    JsonNode ref = obj.path("roleRef");
    return List.of(Meta.name(obj), ref.path("kind").asText("") + "/" + ref.path("name").asText(""),
        Tables.age(obj, now), String.join(", ", users), String.join(", ", groups), String.join(", ", accounts));
  }
}
