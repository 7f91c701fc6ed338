package io.trireme.apiserver.registry.authorization.selfsubjectrulesreview;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.auth.UserInfo;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.ReviewStrategy;
import io.trireme.apiserver.status.ApiException;
import java.util.List;

/** "What may I do in this namespace?": the authorizer's rules, split into resource and non-resource rules. */
public final class SelfSubjectRulesReviewStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("authorization.k8s.io", "v1", "SelfSubjectRulesReview",
      "selfsubjectrulesreviews", "selfsubjectrulesreview", false, List.of(), List.of(), false);

  private SelfSubjectRulesReviewStrategy() {}

  public static ResourceStrategy of(Authorizer authorizer) {
    return new ReviewStrategy(INFO, (posted, user) -> answer(authorizer, posted, user));
  }

  private static ObjectNode answer(Authorizer authorizer, ObjectNode posted, UserInfo user) {
    String namespace = posted.path("spec").path("namespace").asText();
    if (namespace.isEmpty()) {
      throw ApiException.badRequest("no namespace on request");
    }
    ObjectNode out = posted.deepCopy();
    Meta.meta(out);
    ObjectNode status = out.putObject("status");
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (Authorizer.Rule r : authorizer.rulesFor(user, namespace)) {
      if (r.nonResourceUrls().isEmpty()) {
        ObjectNode rule = resourceRules.addObject();
        strings(rule.putArray("verbs"), r.verbs());
        strings(rule.putArray("apiGroups"), r.apiGroups());
        strings(rule.putArray("resources"), r.resources());
      } else {
        ObjectNode rule = nonResourceRules.addObject();
        strings(rule.putArray("verbs"), r.verbs());
        strings(rule.putArray("nonResourceURLs"), r.nonResourceUrls());
      }
    }
    status.put("incomplete", false);
    return out;
  }

  private static void strings(ArrayNode arr, List<String> values) {
    values.forEach(arr::add);
  }
}
