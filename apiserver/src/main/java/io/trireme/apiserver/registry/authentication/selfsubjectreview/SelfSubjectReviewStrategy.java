package io.trireme.apiserver.registry.authentication.selfsubjectreview;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.UserInfo;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.ReviewStrategy;
import java.util.List;

/** "Who am I?": the authenticated user's name, uid and groups, as the apiserver sees them. */
public final class SelfSubjectReviewStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("authentication.k8s.io", "v1", "SelfSubjectReview",
      "selfsubjectreviews", "selfsubjectreview", false, List.of(), List.of(), false);

  private SelfSubjectReviewStrategy() {}

  public static ResourceStrategy of() {
    return new ReviewStrategy(INFO, SelfSubjectReviewStrategy::answer);
  }

  private static ObjectNode answer(ObjectNode posted, UserInfo user) {
    ObjectNode out = posted.deepCopy();
    Meta.meta(out);
    ObjectNode info = out.putObject("status").putObject("userInfo").put("username", user.name());
    if (!user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    ArrayNode groups = info.putArray("groups");
    user.groups().forEach(groups::add);
    return out;
  }
}
