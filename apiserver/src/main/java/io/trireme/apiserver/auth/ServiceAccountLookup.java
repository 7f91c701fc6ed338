package io.trireme.apiserver.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the authenticator checks that the service account a token names still exists: completes with the
 * account's current uid, or empty when it is gone (then the token no longer authenticates, as in kube).
 */
@FunctionalInterface
public interface ServiceAccountLookup {
  CompletableFuture<Optional<String>> uid(String namespace, String name);
}
