package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.core.serviceaccount.ServiceAccountStrategy;
import io.trireme.apiserver.registry.generic.Admission;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * ServiceAccount admission: a pod without {@code spec.serviceAccountName} gets {@code default}, and the named
 * account must exist (403 otherwise). The {@code default} account is made by the service account controller
 * when a namespace appears; a pod created right after its namespace waits briefly for it.
 */
public final class ServiceAccountAdmission implements Admission {
  private static final int DEFAULT_WAIT_TRIES = 20;
  private static final long DEFAULT_WAIT_MILLIS = 100;
  private final EtcdKv kv;

  public ServiceAccountAdmission(EtcdKv kv) {
    this.kv = kv;
  }

  @Override
  public CompletableFuture<Void> mutateCreate(ResourceInfo info, ObjectNode obj) {
    if (!info.equals(PodStrategy.INFO) || !(obj.get("spec") instanceof ObjectNode spec)) {
      return CompletableFuture.completedFuture(null);
    }
    String account = spec.path("serviceAccountName").asText("");
    if (account.isEmpty()) {
      account = spec.path("serviceAccount").asText("");
    }
    if (account.isEmpty()) {
      account = "default";
    }
    spec.put("serviceAccountName", account);
    spec.put("serviceAccount", account);
    return exists(Meta.namespace(obj), account, Meta.name(obj), account.equals("default") ? DEFAULT_WAIT_TRIES : 0);
  }

  private CompletableFuture<Void> exists(String ns, String account, String pod, int triesLeft) {
    return kv.get(ServiceAccountStrategy.INFO.key(ns, account)).thenCompose(r -> {
      if (r.getKvsCount() > 0) {
        return CompletableFuture.completedFuture(null);
      }
      if (triesLeft <= 0) {
        throw ApiException.forbidden("", "pods", pod, "error looking up service account " + ns + "/" + account
            + ": serviceaccount \"" + account + "\" not found");
      }
      Executor later = CompletableFuture.delayedExecutor(DEFAULT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> exists(ns, account, pod,
          triesLeft - 1));
    });
  }
}
