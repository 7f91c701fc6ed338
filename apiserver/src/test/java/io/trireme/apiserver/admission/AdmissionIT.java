package io.trireme.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.testing.TestApiServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ServiceAccount, LimitRanger and ResourceQuota admission over a real etcd, with two apiservers. */
class AdmissionIT {
  static TestApiServer api;
  static ApiServer peer;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    peer = api.startPeer("peer", "127.0.2.5");
  }

  @AfterAll
  static void stop() {
    if (peer != null) {
      peer.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static JsonNode call(int expect, String method, String path, String body) throws Exception {
    String type = body == null ? null : method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    HttpResponse<String> r = api.send(method, path, type, body);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expect);
    return Json.MAPPER.readTree(r.body());
  }

  private static void namespace(String ns) throws Exception {
    call(201, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
  }

  private static String pod(String name, String resources) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\""
        + (resources.isEmpty() ? "" : ",\"resources\":" + resources) + "}]}}";
  }

  @Test
  void serviceAccount_defaultIsCreatedPerNamespace_andPodsGetIt() throws Exception {
    namespace("sa-test");
    Awaitility.await("default service account").atMost(Duration.ofSeconds(10))
        .until(() -> api.send("GET", "/api/v1/namespaces/sa-test/serviceaccounts/default", null, null)
            .statusCode() == 200);
    JsonNode p = call(201, "POST", "/api/v1/namespaces/sa-test/pods", pod("p", ""));
    assertThat(p.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
    assertThat(p.path("spec").path("serviceAccount").asText()).isEqualTo("default");
    JsonNode missing = call(403, "POST", "/api/v1/namespaces/sa-test/pods",
        pod("q", "").replace("\"containers\"", "\"serviceAccountName\":\"robot\",\"containers\""));
    assertThat(missing.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(missing.path("message").asText()).contains("serviceaccount \"robot\" not found");
    call(200, "DELETE", "/api/v1/namespaces/sa-test/serviceaccounts/default", null);
    Awaitility.await("default service account put back").atMost(Duration.ofSeconds(10))
        .until(() -> api.send("GET", "/api/v1/namespaces/sa-test/serviceaccounts/default", null, null)
            .statusCode() == 200);
  }

  @Test
  void serviceAccount_mountsTheApiAccessVolume_unlessThePodOrItsAccountOptsOut() throws Exception {
    namespace("sa-mount");
    Awaitility.await("default service account").atMost(Duration.ofSeconds(10))
        .until(() -> api.send("GET", "/api/v1/namespaces/sa-mount/serviceaccounts/default", null, null)
            .statusCode() == 200);
    String twoContainers = "{\"metadata\":{\"name\":\"m\"},\"spec\":{\"initContainers\":[{\"name\":\"i\","
        + "\"image\":\"busybox\"}],\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"},{\"name\":\"b\","
        + "\"image\":\"nginx\",\"volumeMounts\":[{\"name\":\"own\",\"mountPath\":"
        + "\"/var/run/secrets/kubernetes.io/serviceaccount\"}]}],\"volumes\":[{\"name\":\"own\",\"emptyDir\":{}}]}}";
    JsonNode spec = call(201, "POST", "/api/v1/namespaces/sa-mount/pods", twoContainers).path("spec");
    JsonNode volume = spec.path("volumes").get(1);
    String name = volume.path("name").asText();
    assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(volume.path("projected").toString()).isEqualTo("{\"sources\":[{\"serviceAccountToken\":"
        + "{\"expirationSeconds\":3607,\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\","
        + "\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{\"path\":"
        + "\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],"
        + "\"defaultMode\":420}");
    String mount = "[{\"name\":\"" + name + "\",\"readOnly\":true,\"mountPath\":"
        + "\"/var/run/secrets/kubernetes.io/serviceaccount\"}]";
    assertThat(spec.path("initContainers").get(0).path("volumeMounts").toString()).isEqualTo(mount);
    assertThat(spec.path("containers").get(0).path("volumeMounts").toString()).isEqualTo(mount);
    assertThat(spec.path("containers").get(1).path("volumeMounts")).as("its own mount at the path stays alone")
        .hasSize(1);

    JsonNode optedOut = call(201, "POST", "/api/v1/namespaces/sa-mount/pods", pod("n", "")
        .replace("\"containers\"", "\"automountServiceAccountToken\":false,\"containers\"")).path("spec");
    assertThat(optedOut.has("volumes")).isFalse();
    assertThat(optedOut.path("containers").get(0).has("volumeMounts")).isFalse();

    call(201, "POST", "/api/v1/namespaces/sa-mount/serviceaccounts",
        "{\"metadata\":{\"name\":\"quiet\"},\"automountServiceAccountToken\":false}");
    String quietPod = pod("%s", "").replace("\"containers\"", "\"serviceAccountName\":\"quiet\",%s\"containers\"");
    JsonNode quiet = call(201, "POST", "/api/v1/namespaces/sa-mount/pods", quietPod.formatted("q1", ""))
        .path("spec");
    assertThat(quiet.has("volumes")).as("the account opts out").isFalse();
    JsonNode podWins = call(201, "POST", "/api/v1/namespaces/sa-mount/pods", quietPod.formatted("q2",
        "\"automountServiceAccountToken\":true,")).path("spec");
    assertThat(podWins.path("volumes").get(0).path("name").asText()).startsWith("kube-api-access-");
  }

  @Test
  void limitRanger_fillsDefaults_andRefusesOutOfRange() throws Exception {
    namespace("lr-test");
    call(201, "POST", "/api/v1/namespaces/lr-test/limitranges", "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":"
        + "[{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"},\"min\":{\"cpu\":\"100m\"},\"default\":{\"cpu\":\"500m\"},"
        + "\"defaultRequest\":{\"cpu\":\"200m\"}}]}}");
    JsonNode p = call(201, "POST", "/api/v1/namespaces/lr-test/pods", pod("p", ""));
    JsonNode res = p.path("spec").path("containers").get(0).path("resources");
    assertThat(res.path("requests").path("cpu").asText()).isEqualTo("200m");
    assertThat(res.path("limits").path("cpu").asText()).isEqualTo("500m");
    assertThat(p.path("metadata").path("annotations").path("kubernetes.io/limit-ranger").asText())
        .contains("cpu request for container c", "cpu limit for container c");
    assertThat(p.path("status").path("qosClass").asText()).isEqualTo("Burstable");
    JsonNode tooBig = call(403, "POST", "/api/v1/namespaces/lr-test/pods", pod("big", "{\"limits\":{\"cpu\":\"2\"}}"));
    assertThat(tooBig.path("message").asText()).contains("maximum cpu usage per Container is 1, but limit is 2");
    JsonNode tooSmall = call(403, "POST", "/api/v1/namespaces/lr-test/pods",
        pod("small", "{\"requests\":{\"cpu\":\"50m\"}}"));
    assertThat(tooSmall.path("message").asText()).contains("minimum cpu usage per Container is 100m, but request is 50m");
  }

  @Test
  void resourceQuota_concurrentCreatesOnTwoApiservers_neverExceedIt() throws Exception {
    namespace("rq-test");
    JsonNode quota = call(201, "POST", "/api/v1/namespaces/rq-test/resourcequotas", "{\"metadata\":{\"name\":\"q\"},"
        + "\"spec\":{\"hard\":{\"pods\":\"3\",\"requests.cpu\":\"1\",\"count/configmaps\":\"1\"}}}");
    assertThat(quota.path("status").path("hard").path("pods").asText()).isEqualTo("3");
    assertThat(quota.path("status").path("used").path("pods").asText()).isEqualTo("0");
    Awaitility.await("default service account").atMost(Duration.ofSeconds(10))
        .until(() -> api.send("GET", "/api/v1/namespaces/rq-test/serviceaccounts/default", null, null)
            .statusCode() == 200);

    List<InetSocketAddress> servers = List.of(api.address, peer.address());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      InetSocketAddress to = servers.get(i % 2);
      String body = pod("p" + i, "{\"requests\":{\"cpu\":\"100m\"}}");
      results.add(pool.submit(() -> api.send(to, "POST", "/api/v1/namespaces/rq-test/pods", "application/json", body)));
    }
    int created = 0;
    for (Future<HttpResponse<String>> f : results) {
      HttpResponse<String> r = f.get();
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("exceeded quota: q", "limited: pods=3");
      }
    }
    pool.shutdown();
    assertThat(created).isEqualTo(3);
    JsonNode used = call(200, "GET", "/api/v1/namespaces/rq-test/resourcequotas/q", null).path("status").path("used");
    assertThat(used.path("pods").asText()).isEqualTo("3");
    assertThat(used.path("requests.cpu").asText()).isEqualTo("300m");
    assertThat(call(200, "GET", "/api/v1/namespaces/rq-test/pods", null).path("items").size()).isEqualTo(3);

    String first = call(200, "GET", "/api/v1/namespaces/rq-test/pods", null).path("items").get(0).path("metadata")
        .path("name").asText();
    call(200, "DELETE", "/api/v1/namespaces/rq-test/pods/" + first, null);
    assertThat(call(200, "GET", "/api/v1/namespaces/rq-test/resourcequotas/q", null).path("status").path("used")
        .path("pods").asText()).isEqualTo("2");

    call(201, "POST", "/api/v1/namespaces/rq-test/configmaps", "{\"metadata\":{\"name\":\"a\"}}");
    JsonNode over = call(403, "POST", "/api/v1/namespaces/rq-test/configmaps", "{\"metadata\":{\"name\":\"b\"}}");
    assertThat(over.path("message").asText()).contains("exceeded quota: q", "count/configmaps");
  }

  @Test
  void eviction_respectsTheDisruptionBudget() throws Exception {
    namespace("pdb-test");
    String pods = "/api/v1/namespaces/pdb-test/pods";
    JsonNode running = call(201, "POST", pods, pod("web", "").replace("\"name\":\"web\"}",
        "\"name\":\"web\",\"labels\":{\"app\":\"web\"}}"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) running.get("status")).put("phase", "Running");
    call(200, "PUT", pods + "/web/status", running.toString());
    call(201, "POST", "/apis/policy/v1/namespaces/pdb-test/poddisruptionbudgets", "{\"metadata\":{\"name\":\"b\"},"
        + "\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
    String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"web\"}}";
    JsonNode refused = call(429, "POST", pods + "/web/eviction", eviction);
    assertThat(refused.path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(refused.path("details").path("causes").get(0).path("message").asText())
        .contains("disruption budget b is still being processed");

    call(200, "PATCH", "/apis/policy/v1/namespaces/pdb-test/poddisruptionbudgets/b/status",
        "{\"status\":{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":1,\"desiredHealthy\":1,"
            + "\"expectedPods\":1}}");
    JsonNode none = call(429, "POST", pods + "/web/eviction", eviction);
    assertThat(none.path("details").path("causes").get(0).path("message").asText())
        .contains("needs 1 healthy pods and has 1 currently");

    call(200, "PATCH", "/apis/policy/v1/namespaces/pdb-test/poddisruptionbudgets/b/status",
        "{\"status\":{\"disruptionsAllowed\":1}}");
    call(201, "POST", pods + "/web/eviction", eviction);
    call(404, "GET", pods + "/web", null);
    JsonNode budget = call(200, "GET", "/apis/policy/v1/namespaces/pdb-test/poddisruptionbudgets/b", null);
    assertThat(budget.path("status").path("disruptionsAllowed").asInt()).isZero();
    assertThat(budget.path("status").path("disruptedPods").has("web")).isTrue();
  }

  @Test
  void namespaceLifecycle_immortalNamespacesCannotBeDeleted_andMissingOnesTakeNothing() throws Exception {
    for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
      JsonNode refused = call(403, "DELETE", "/api/v1/namespaces/" + ns, null);
      assertThat(refused.path("message").asText()).isEqualTo("namespaces \"" + ns + "\" is forbidden: this namespace "
          + "may not be deleted");
    }
    assertThat(call(404, "POST", "/api/v1/namespaces/absent/configmaps", "{\"metadata\":{\"name\":\"x\"}}")
        .path("reason").asText()).isEqualTo("NotFound");
  }
}
