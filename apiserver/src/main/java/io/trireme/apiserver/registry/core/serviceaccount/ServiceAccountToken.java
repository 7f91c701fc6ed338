package io.trireme.apiserver.registry.core.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.ServiceAccountTokens;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.status.ApiException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code serviceaccounts/token} (TokenRequest, {@code kubectl create token}): a signed token for the account, as
 * kube-apiserver's TokenREST issues it. {@code expirationSeconds} defaults to one hour and must lie between 10
 * minutes and 2^32 seconds; {@code audiences} default to the apiserver's own (the issuer), and only tokens for
 * it authenticate here. Binding a token to a Pod or Secret ({@code boundObjectRef}) is refused (422): nothing
 * would revoke such a token when its object goes. A dry run answers without a token, as kube does.
 */
final class ServiceAccountToken implements PostSubresource {
  static final long DEFAULT_SECONDS = 3600;
  static final long MIN_SECONDS = 10 * 60;
  static final long MAX_SECONDS = 1L << 32;
  private static final String GROUP = "authentication.k8s.io";

  private final ServiceAccountTokens tokens;
  private final Clock clock;

  ServiceAccountToken(ServiceAccountTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public String group() {
    return GROUP;
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public String kind() {
    return "TokenRequest";
  }

  @Override
  public CompletableFuture<ObjectNode> post(GenericStore store, Registry registry, String namespace, String name,
      ObjectNode body, WriteOptions w) {
    String kind = body.path("kind").asText("TokenRequest");
    if (!kind.equals("TokenRequest")) {
      return CompletableFuture.failedFuture(ApiException.badRequest("expected a TokenRequest, got " + kind));
    }
    if (!Meta.namespace(body).isEmpty() && !Meta.namespace(body).equals(namespace)) {
      return CompletableFuture.failedFuture(ApiException.badRequest("the namespace of the provided object does "
          + "not match the namespace sent on the request"));
    }
    JsonNode spec = body.path("spec");
    List<ApiException.Cause> causes = new ArrayList<>();
    long seconds = DEFAULT_SECONDS;
    JsonNode exp = spec.get("expirationSeconds");
    if (exp != null && !exp.isNull()) {
      seconds = exp.asLong();
      if (seconds < MIN_SECONDS) {
        causes.add(Validation.invalid("spec.expirationSeconds", seconds,
            "may not specify a duration less than 10 minutes"));
      } else if (seconds > MAX_SECONDS) {
        causes.add(Validation.invalid("spec.expirationSeconds", seconds,
            "may not specify a duration larger than 2^32 seconds"));
      }
    }
    JsonNode bound = spec.get("boundObjectRef");
    if (bound != null && !bound.isNull() && !bound.isEmpty()) {
      causes.add(Validation.invalid("spec.boundObjectRef.kind", bound.path("kind").asText(""),
          "binding a token to an object is not supported by this Trireme version"));
    }
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    if (audiences.isEmpty()) {
      audiences.add(tokens.issuer());
    }
    if (!causes.isEmpty()) {
      return CompletableFuture.failedFuture(ApiException.invalid(GROUP, "TokenRequest", name, causes));
    }
    long expirationSeconds = seconds;
    return store.get(namespace, name).thenApply(sa -> {
      if (Meta.deleting(sa)) {
        throw ApiException.forbidden("", "serviceaccounts", name, "the service account is being deleted");
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("kind", "TokenRequest").put("apiVersion", GROUP + "/v1");
      out.putObject("metadata").put("name", name).put("namespace", namespace)
          .put("creationTimestamp", Meta.timestamp(clock.instant()));
      ObjectNode outSpec = out.putObject("spec");
      ArrayNode aud = outSpec.putArray("audiences");
      audiences.forEach(aud::add);
      outSpec.put("expirationSeconds", expirationSeconds).putNull("boundObjectRef");
      ObjectNode status = out.putObject("status");
      if (w.dryRun()) {
        status.put("token", "").putNull("expirationTimestamp");
        return out;
      }
      ServiceAccountTokens.Issued issued = tokens.issue(namespace, name, Meta.uid(sa), audiences,
          expirationSeconds);
      status.put("token", issued.token()).put("expirationTimestamp", Meta.timestamp(issued.expiration()));
      return out;
    });
  }
}
