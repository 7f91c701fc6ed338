package io.trireme.apiserver.auth;

import java.util.List;

/**
 * Who may do what. Authorization is not enforced yet (RBAC comes with a later issue): today every
 * authenticated user may do everything, and this class says so wherever a client asks (access reviews,
 * rules reviews), so that {@code kubectl auth can-i} tells the truth about this server. Members of
 * {@code system:masters} are allowed for the reason kube-apiserver allows them (the privileged group, no rule
 * needed, no reason given); everyone else is allowed with a reason that names the missing enforcement.
 */
public final class Authorizer {
  public static final String MASTERS = "system:masters";
  public static final String NOT_ENFORCED = "no authorization is enforced by this Trireme version yet: every "
      + "authenticated user may do everything";

  /** What a request wants: a resource request (verb on group/resource[/subresource]) or a non-resource path. */
  public record Attributes(String verb, String group, String resource, String subresource, String namespace,
      String name, String path) {}

  /** The answer: allowed or not, and why (empty when the privileged group decided). */
  public record Decision(boolean allowed, String reason) {}

  /** A rule the user holds (the RBAC PolicyRule shape): resource rules or non-resource URL rules. */
  public record Rule(List<String> verbs, List<String> apiGroups, List<String> resources,
      List<String> nonResourceUrls) {}

  public Decision authorize(UserInfo user, Attributes request) {
    return new Decision(true, user.groups().contains(MASTERS) ? "" : NOT_ENFORCED);
  }

  /** The rules {@code user} holds in {@code namespace}: today everything, for everyone. */
  public List<Rule> rulesFor(UserInfo user, String namespace) {
    return List.of(new Rule(List.of("*"), List.of("*"), List.of("*"), List.of()),
        new Rule(List.of("*"), List.of(), List.of(), List.of("*")));
  }
}
