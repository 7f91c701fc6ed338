package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.core.serviceaccount.ServiceAccountStrategy;
import io.trireme.apiserver.registry.generic.Admission;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * ServiceAccount admission, as kube's plugin: a pod without {@code spec.serviceAccountName} gets {@code default},
 * and the named account must exist (403 otherwise). The {@code default} account is made by the service account
 * controller when a namespace appears; a pod created right after its namespace waits briefly for it. Unless the
 * pod or else its account sets {@code automountServiceAccountToken: false}, the pod gets kube's projected API
 * volume {@code kube-api-access-<5 chars>} (a bound token of 3607 s, the {@code kube-root-ca.crt} ConfigMap's
 * {@code ca.crt}, the namespace) mounted read-only at {@code /var/run/secrets/kubernetes.io/serviceaccount} in
 * every init container and container that has nothing mounted there. Mirror pods are left alone.
 */
public final class ServiceAccountAdmission implements Admission {
  static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME_PREFIX = "kube-api-access-";
  private static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  /** kube's names.SimpleNameGenerator alphabet (no vowels, no confusable digits). */
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int DEFAULT_WAIT_TRIES = 20;
  private static final long DEFAULT_WAIT_MILLIS = 100;
  private final EtcdKv kv;

  public ServiceAccountAdmission(EtcdKv kv) {
    this.kv = kv;
  }

  @Override
  public CompletableFuture<Void> mutateCreate(ResourceInfo info, ObjectNode obj) {
    if (!info.equals(PodStrategy.INFO) || !(obj.get("spec") instanceof ObjectNode spec)
        || obj.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
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
    return lookup(Meta.namespace(obj), account, Meta.name(obj), account.equals("default") ? DEFAULT_WAIT_TRIES : 0)
        .thenAccept(sa -> {
          if (automount(spec, sa)) {
            mountToken(spec);
          }
        });
  }

  /** The pod's setting wins, then the account's; kube's default is to mount. */
  private static boolean automount(ObjectNode spec, ObjectNode sa) {
    JsonNode pod = spec.get("automountServiceAccountToken");
    if (pod != null && pod.isBoolean()) {
      return pod.asBoolean();
    }
    JsonNode account = sa.get("automountServiceAccountToken");
    return account == null || !account.isBoolean() || account.asBoolean();
  }

  /** kube's mountServiceAccountToken: one projected volume, mounted wherever the path is still free. */
  private static void mountToken(ObjectNode spec) {
    String volumeName = null;
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("name").asText("").startsWith(VOLUME_PREFIX)) {
        volumeName = v.path("name").asText();
        break;
      }
    }
    boolean hasVolume = volumeName != null;
    if (!hasVolume) {
      StringBuilder name = new StringBuilder(VOLUME_PREFIX);
      for (int i = 0; i < 5; i++) {
        name.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
      }
      volumeName = name.toString();
    }
    boolean needed = false;
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        if (!(c instanceof ObjectNode container)) {
          continue;
        }
        boolean taken = false;
        for (JsonNode m : container.path("volumeMounts")) {
          taken |= m.path("mountPath").asText("").equals(MOUNT_PATH);
        }
        if (!taken) {
          ArrayNode mounts = container.get("volumeMounts") instanceof ArrayNode a ? a
              : container.putArray("volumeMounts");
          mounts.addObject().put("name", volumeName).put("readOnly", true).put("mountPath", MOUNT_PATH);
          needed = true;
        }
      }
    }
    if (!hasVolume && needed) {
      ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
      volumes.add(Json.object(("{\"name\":\"" + volumeName + "\",\"projected\":{\"sources\":["
          + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
          + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},"
          + "{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\","
          + "\"fieldPath\":\"metadata.namespace\"}}]}}],\"defaultMode\":420}}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
  }

  private CompletableFuture<ObjectNode> lookup(String ns, String account, String pod, int triesLeft) {
    return kv.get(ServiceAccountStrategy.INFO.key(ns, account)).thenCompose(r -> {
      if (r.getKvsCount() > 0) {
        return CompletableFuture.completedFuture(Json.object(r.getKvs(0).getValue().toByteArray()));
      }
      if (triesLeft <= 0) {
        throw ApiException.forbidden("", "pods", pod, "error looking up service account " + ns + "/" + account
            + ": serviceaccount \"" + account + "\" not found");
      }
      Executor later = CompletableFuture.delayedExecutor(DEFAULT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> lookup(ns, account, pod,
          triesLeft - 1));
    });
  }
}
