package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.generic.Admission;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.concurrent.CompletableFuture;

/** NamespaceLifecycle: no new objects in a namespace that does not exist or is being terminated. */
public final class NamespaceLifecycle implements Admission {
  private final EtcdKv kv;

  public NamespaceLifecycle(EtcdKv kv) {
    this.kv = kv;
  }

  @Override
  public CompletableFuture<Void> admitCreate(ResourceInfo info, ObjectNode obj) {
    if (!info.namespaced()) {
      return CompletableFuture.completedFuture(null);
    }
    String ns = Meta.namespace(obj);
    return kv.get(NamespaceStrategy.INFO.key("", ns)).thenApply(r -> {
      if (r.getKvsCount() == 0) {
        throw ApiException.notFound("", "namespaces", ns);
      }
      ObjectNode nsObj = Json.object(r.getKvs(0).getValue().toByteArray());
      if (Meta.deleting(nsObj)) {
        throw ApiException.forbidden(info.group(), info.resource(), Meta.name(obj),
            "unable to create new content in namespace " + ns + " because it is being terminated");
      }
      return null;
    });
  }
}
