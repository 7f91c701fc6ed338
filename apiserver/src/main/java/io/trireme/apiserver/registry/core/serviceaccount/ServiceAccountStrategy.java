package io.trireme.apiserver.registry.core.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.auth.ServiceAccountTokens;
import io.trireme.apiserver.registry.generic.PostSubresource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** ServiceAccounts, and their {@code token} subresource (TokenRequest) when the apiserver signs tokens. */
public final class ServiceAccountStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "ServiceAccount", "serviceaccounts",
      "serviceaccount", true, List.of("sa"), List.of(), false);

  private final Map<String, PostSubresource> subresources;

  /** Without token signing: no {@code token} subresource. */
  public ServiceAccountStrategy() {
    this.subresources = Map.of();
  }

  public ServiceAccountStrategy(ServiceAccountTokens tokens, Clock clock) {
    this.subresources = Map.of("token", new ServiceAccountToken(tokens, clock));
  }

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public Map<String, PostSubresource> postSubresources() {
    return subresources;
  }

  @Override
  public PatchMeta patchMeta() {
    return PatchMeta.OBJECT_META.with("secrets", "name");
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Secrets", "string",
        "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount "
            + "are allowed to use."), Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return List.of(Meta.name(obj), obj.path("secrets").size(), Tables.age(obj, now));
  }
}
