package io.trireme.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.storage.EtcdKv;
import io.trireme.apiserver.testing.TestApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS edge over a real etcd: authentication, negotiation, errors, paging, the write-condition hook. */
class ApiServerIT {
  @TempDir
  static Path dir;
  static TestApiServer api;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens.csv");
    Files.writeString(tokens, "s3cret,alice,1001,\"dev\"\n");
    api = new TestApiServer(tokens);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void noCredentials_is401Status_butVersionAndHealthArePublic() throws Exception {
    HttpClient anonymous = api.client(null);
    HttpResponse<String> r = get(anonymous, "/api/v1/namespaces");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).path("kind").asText()).isEqualTo("Status");
    assertThat(json(r).path("reason").asText()).isEqualTo("Unauthorized");
    assertThat(get(anonymous, "/version").body()).contains("\"minor\":\"32\"", "\"gitVersion\":\"v1.32.0\"");
    assertThat(get(anonymous, "/livez").body()).isEqualTo("ok");
    assertThat(get(anonymous, "/readyz/etcd").body()).isEqualTo("ok");
    assertThat(get(anonymous, "/api/v1/namespaces", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void bearerToken_fromTokenFile_authenticates() throws Exception {
    HttpResponse<String> r = get(api.client(null), "/api/v1/namespaces", "Authorization", "Bearer s3cret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("kind").asText()).isEqualTo("NamespaceList");
  }

  @Test
  void clientCertificateFromAnotherCa_isRejected() throws Exception {
    io.trireme.apiserver.pki.Pki pki = new io.trireme.apiserver.pki.Pki(java.time.Clock.systemUTC());
    var otherCa = pki.newCa("other", Duration.ofDays(1));
    var mallory = pki.issueClient(ClusterCa.of(otherCa), "admin", List.of("system:masters"), Duration.ofDays(1));
    boolean rejected;
    try {
      rejected = get(api.client(mallory), "/api/v1/namespaces").statusCode() == 401;
    } catch (java.io.IOException handshakeRefused) {
      rejected = true;
    }
    assertThat(rejected).isTrue();
  }

  @Test
  void aggregatedDiscovery_echoesTheOfferedVersion() throws Exception {
    String v2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    HttpResponse<String> r = get(api.http(), "/apis", "Accept", v2beta1);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
    assertThat(json(r).path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    assertThat(r.body()).contains("\"resource\":\"deployments\"", "\"shortNames\":[\"deploy\"]");

    r = get(api.http(), "/api", "Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + v2beta1);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("v=v2;");
    assertThat(r.body()).contains("\"resource\":\"pods\"", "\"categories\":[\"all\"]");

    r = get(api.http(), "/api", "Accept", "application/json");
    assertThat(json(r).path("kind").asText()).isEqualTo("APIVersions");
    assertThat(json(get(api.http(), "/apis")).path("kind").asText()).isEqualTo("APIGroupList");
    assertThat(get(api.http(), "/apis/apps/v1").body()).contains("\"name\":\"deployments/status\"");
    assertThat(get(api.http(), "/apis/nope/v1").statusCode()).isEqualTo(404);
  }

  @Test
  void table_hasKubeColumnsAndPartialMetadata() throws Exception {
    HttpResponse<String> r = get(api.http(), "/api/v1/namespaces", "Accept",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    JsonNode t = json(r);
    assertThat(t.path("kind").asText()).isEqualTo("Table");
    assertThat(t.path("columnDefinitions")).extracting(c -> c.path("name").asText())
        .containsExactly("Name", "Status", "Age");
    assertThat(t.path("rows").get(0).path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void badInput_getsTheRightStatus() throws Exception {
    assertThat(api.send("POST", "/api/v1/namespaces/default/configmaps", "application/json", "{not json")
        .statusCode()).isEqualTo(400);
    HttpResponse<String> wrongType = api.send("POST", "/api/v1/namespaces/default/configmaps", "text/csv", "a,b");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(json(wrongType).path("reason").asText()).isEqualTo("UnsupportedMediaType");
    String huge = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}}";
    HttpResponse<String> tooLarge = api.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
        huge);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json(tooLarge).path("reason").asText()).isEqualTo("RequestEntityTooLarge");
    assertThat(api.send("GET", "/api/v1/namespaces/default/configmaps/big", null, null).statusCode())
        .isEqualTo(404);
    assertThat(api.send("GET", "/api/v1/widgets", null, null).statusCode()).isEqualTo(404);
    HttpResponse<String> verb = api.send("POST", "/api/v1/namespaces/default", "application/json", "{}");
    assertThat(verb.statusCode()).isEqualTo(405);
    HttpResponse<String> yaml = api.send("POST", "/api/v1/namespaces/default/configmaps", "application/yaml",
        "metadata:\n  name: from-yaml\ndata:\n  a: b\n");
    assertThat(yaml.statusCode()).isEqualTo(201);
    HttpResponse<String> badName = api.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
        "{\"metadata\":{\"name\":\"Bad_Name\"}}");
    assertThat(badName.statusCode()).isEqualTo(422);
    assertThat(json(badName).path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("metadata.name");
    HttpResponse<String> noNs = api.send("POST", "/api/v1/namespaces/missing/configmaps", "application/json",
        "{\"metadata\":{\"name\":\"x\"}}");
    assertThat(noNs.statusCode()).isEqualTo(404);
    assertThat(api.send("GET", "/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20b", null, null)
        .statusCode()).isEqualTo(400);
    assertThat(api.send("GET", "/api/v1/namespaces/default/configmaps?fieldSelector=spec.x%3Dy", null, null)
        .statusCode()).isEqualTo(400);
  }

  @Test
  void unknownFields_strictRejects_warnWarnsAndDrops() throws Exception {
    String body = "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
        + "\"bogusField\":1,\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"i\",\"colour\":\"red\"}]}}}}";
    HttpResponse<String> strict = api.send("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
        "application/json", body);
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(json(strict).path("message").asText()).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
        + "Deployment: strict decoding error: unknown field \"spec.bogusField\", unknown field "
        + "\"spec.template.spec.containers[0].colour\"");
    HttpResponse<String> warn = api.send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
        body);
    assertThat(warn.statusCode()).isEqualTo(201);
    assertThat(warn.headers().allValues("Warning")).contains("299 - \"unknown field \\\"spec.bogusField\\\"\"");
    assertThat(json(warn).path("spec").has("bogusField")).isFalse();
    assertThat(api.send("POST", "/api/v1/namespaces?fieldValidation=Sometimes", "application/json",
        "{\"metadata\":{\"name\":\"x\"}}").statusCode()).isEqualTo(400);
  }

  @Test
  void openApiV3_listsEveryGroupVersion_withPatchMetadata() throws Exception {
    JsonNode root = json(get(api.http(), "/openapi/v3"));
    assertThat(root.path("paths").has("api/v1")).isTrue();
    assertThat(root.path("paths").has("apis/coordination.k8s.io/v1")).isTrue();
    String url = root.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
    JsonNode apps = json(get(api.http(), url));
    JsonNode patch = apps.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
    assertThat(patch.path("parameters")).extracting(p -> p.path("name").asText()).contains("fieldValidation");
    JsonNode containers = apps.path("components").path("schemas").path("io.k8s.api.core.v1.PodSpec")
        .path("properties").path("containers");
    assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(containers.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
    assertThat(apps.path("components").path("schemas").path("io.k8s.api.apps.v1.Deployment")
        .path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Deployment");
    assertThat(get(api.http(), "/openapi/v3/apis/nope/v1").statusCode()).isEqualTo(404);
  }

  @Test
  void limitAndContinue_pageAtOneRevision() throws Exception {
    api.send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"paging\"}}");
    for (int i = 0; i < 7; i++) {
      assertThat(api.send("POST", "/api/v1/namespaces/paging/configmaps", "application/json",
          "{\"metadata\":{\"name\":\"cm-" + i + "\",\"labels\":{\"even\":\"" + (i % 2 == 0) + "\"}}}")
          .statusCode()).isEqualTo(201);
    }
    JsonNode first = json(api.send("GET", "/api/v1/namespaces/paging/configmaps?limit=3&labelSelector=even%3Dtrue",
        null, null));
    assertThat(first.path("items")).hasSize(3);
    String rv = first.path("metadata").path("resourceVersion").asText();
    String token = first.path("metadata").path("continue").asText();
    assertThat(token).isNotEmpty();
    api.send("POST", "/api/v1/namespaces/paging/configmaps", "application/json",
        "{\"metadata\":{\"name\":\"cm-9\",\"labels\":{\"even\":\"true\"}}}");
    JsonNode second = json(api.send("GET", "/api/v1/namespaces/paging/configmaps?limit=3&labelSelector=even%3Dtrue"
        + "&continue=" + token, null, null));
    assertThat(second.path("items")).extracting(i -> i.path("metadata").path("name").asText())
        .containsExactly("cm-6");
    assertThat(second.path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
    assertThat(second.path("metadata").has("continue")).isFalse();

    JsonNode deleted = json(api.send("DELETE", "/api/v1/namespaces/paging/configmaps?labelSelector=even%3Dtrue",
        null, null));
    assertThat(deleted.path("items")).hasSize(5);
    assertThat(json(api.send("GET", "/api/v1/namespaces/paging/configmaps", null, null)).path("items"))
        .extracting(i -> i.path("metadata").path("labels").path("even").asText()).containsOnly("false").hasSize(3);
  }

  @Test
  void bookmarks_arriveWhenAllowed() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(api.url()
        + "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion="
        + api.etcd.revision() + "&timeoutSeconds=20")).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<java.util.stream.Stream<String>> r = api.http().send(req, HttpResponse.BodyHandlers.ofLines());
    try (var lines = r.body()) {
      JsonNode first = Json.MAPPER.readTree(lines.findFirst().orElseThrow());
      assertThat(first.path("type").asText()).isEqualTo("BOOKMARK");
      assertThat(first.path("object").path("metadata").path("resourceVersion").asLong()).isPositive();
    }
  }

  @Test
  void writeCondition_isPartOfTheWriteTxn() throws Exception {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(api.etcd.channel());
    kv.put(PutRequest.newBuilder().setKey(EtcdKv.bytes("/fence")).setValue(EtcdKv.bytes("token-1")).build());
    WriteCondition fence = user -> List.of(Compare.newBuilder().setKey(EtcdKv.bytes("/fence"))
        .setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL)
        .setValue(EtcdKv.bytes("token-1")).build());
    ApiServerConfig config = ApiServerConfig.of("fenced", "127.0.0.1", 0, ClusterCa.of(api.caKey),
        List.of("127.0.0.1"));
    try (ApiServer fenced = new ApiServer(config, api.etcd.channel(), fence, java.time.Clock.systemUTC())) {
      int port = fenced.start().getPort();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(fenced::bootstrapped);
      String base = "https://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps";
      HttpRequest ok = HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"fenced-1\"}}")).build();
      assertThat(api.http().send(ok, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
      kv.put(PutRequest.newBuilder().setKey(EtcdKv.bytes("/fence")).setValue(EtcdKv.bytes("token-2")).build());
      HttpRequest stale = HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"fenced-2\"}}")).build();
      HttpResponse<String> rejected = api.http().send(stale, HttpResponse.BodyHandlers.ofString());
      assertThat(rejected.statusCode()).isEqualTo(409);
      assertThat(rejected.body()).contains("fencing");
      assertThat(api.send("GET", "/api/v1/namespaces/default/configmaps/fenced-2", null, null).statusCode())
          .isEqualTo(404);
    }
  }
}
