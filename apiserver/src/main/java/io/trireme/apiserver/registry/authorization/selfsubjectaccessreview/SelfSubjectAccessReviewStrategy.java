package io.trireme.apiserver.registry.authorization.selfsubjectaccessreview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.auth.UserInfo;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.ReviewStrategy;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.List;

/** "May I do this?": exactly one of resourceAttributes and nonResourceAttributes, answered by the authorizer. */
public final class SelfSubjectAccessReviewStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("authorization.k8s.io", "v1", "SelfSubjectAccessReview",
      "selfsubjectaccessreviews", "selfsubjectaccessreview", false, List.of(), List.of(), false);

  private SelfSubjectAccessReviewStrategy() {}

  public static ResourceStrategy of(Authorizer authorizer) {
    return new ReviewStrategy(INFO, (posted, user) -> answer(authorizer, posted, user));
  }

  private static ObjectNode answer(Authorizer authorizer, ObjectNode posted, UserInfo user) {
    JsonNode spec = posted.path("spec");
    JsonNode res = spec.path("resourceAttributes");
    JsonNode non = spec.path("nonResourceAttributes");
    if (res.isObject() == non.isObject()) {
      Cause cause = res.isObject()
          ? new Cause("FieldValueInvalid", "spec.nonResourceAttributes", "Invalid value: \"" + non
              + "\": cannot be specified in combination with resourceAttributes")
          : new Cause("FieldValueInvalid", "spec.resourceAttributes", "Invalid value: \"null\": exactly one of "
              + "nonResourceAttributes or resourceAttributes must be specified");
      throw ApiException.invalid(INFO.group(), INFO.kind(), "", List.of(cause));
    }
    Authorizer.Attributes attrs = res.isObject()
        ? new Authorizer.Attributes(res.path("verb").asText(), res.path("group").asText(),
            res.path("resource").asText(), res.path("subresource").asText(), res.path("namespace").asText(),
            res.path("name").asText(), "")
        : new Authorizer.Attributes(non.path("verb").asText(), "", "", "", "", "", non.path("path").asText());
    Authorizer.Decision d = authorizer.authorize(user, attrs);
    ObjectNode out = posted.deepCopy();
    Meta.meta(out);
    ObjectNode status = out.putObject("status").put("allowed", d.allowed());
    if (!d.reason().isEmpty()) {
      status.put("reason", d.reason());
    }
    return out;
  }
}
