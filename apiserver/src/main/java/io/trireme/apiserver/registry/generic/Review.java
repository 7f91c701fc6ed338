package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.UserInfo;

/**
 * A create-only resource that is answered and never stored (SelfSubjectAccessReview, SelfSubjectReview...):
 * POST to its collection returns the posted object with {@code status} filled in for the requesting user;
 * every other verb answers 405 MethodNotSupported.
 */
@FunctionalInterface
public interface Review {
  /** The answer to {@code posted} (already decoded, kind and apiVersion checked) asked by {@code user}. */
  ObjectNode answer(ObjectNode posted, UserInfo user);
}
