package io.trireme.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.testing.TestApiServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered resource keeps, over HTTPS against a real etcd: create/get/list, update
 * with conflict, each patch type, delete with finalizers, watch from a revision, 410 after compaction.
 */
class ResourceContractIT {
  private static final String NS = "contract";
  static TestApiServer api;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    assertThat(api.send("POST", "/api/v1/namespaces", "application/json",
        "{\"metadata\":{\"name\":\"" + NS + "\"}}").statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** The stored resources; read-only computed ones (componentstatuses) have their own contract below. */
  static Stream<ResourceStrategy> resources() {
    return Resources.all(java.time.Clock.systemUTC(), null, new Authorizer()).stream()
        .filter(ResourceStrategy::stored);
  }

  static Stream<ResourceStrategy> readOnlyResources() {
    return Resources.all(java.time.Clock.systemUTC(), null, new Authorizer()).stream()
        .filter(s -> s.computed().isPresent());
  }

  private static String collection(ResourceInfo i) {
    String base = i.group().isEmpty() ? "/api/v1" : "/apis/" + i.group() + "/" + i.version();
    return i.namespaced() ? base + "/namespaces/" + NS + "/" + i.resource() : base + "/" + i.resource();
  }

  private static String item(ResourceInfo i, String name) {
    return collection(i) + "/" + name;
  }

  /** A name per step and resource; events and events.k8s.io events share storage, so the group counts too. */
  private static String unique(ResourceInfo i, String step) {
    return step + "-" + i.resource().substring(0, 4) + (i.group().isEmpty() ? "" : "-" + i.group().substring(0, 3));
  }

  private static ObjectNode call(int expect, String method, String path, String ct, Object body)
      throws Exception {
    HttpResponse<String> r = api.send(method, path, ct, body == null ? null : body.toString());
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expect);
    return (ObjectNode) Json.MAPPER.readTree(r.body());
  }

  private static ObjectNode create(ResourceInfo i, String name) throws Exception {
    return call(201, "POST", collection(i), "application/json", ContractSamples.sample(i, name));
  }

  @ParameterizedTest
  @MethodSource("resources")
  void create_get_list(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    assertThat(ContractSamples.has(i)).as("contract sample for " + i.resource()).isTrue();
    String name = unique(i, "create");
    ObjectNode created = create(i, name);
    JsonNode meta = created.get("metadata");
    assertThat(meta.path("uid").asText()).isNotEmpty();
    assertThat(meta.path("creationTimestamp").asText()).isNotEmpty();
    long rv = meta.path("resourceVersion").asLong();
    assertThat(rv).isPositive();
    assertThat(created.path("kind").asText()).isEqualTo(i.kind());

    ObjectNode got = call(200, "GET", item(i, name), null, null);
    assertThat(got.path("metadata").path("resourceVersion").asLong()).isEqualTo(rv);
    ObjectNode list = call(200, "GET", collection(i), null, null);
    assertThat(list.path("kind").asText()).isEqualTo(i.listKind());
    assertThat(list.path("metadata").path("resourceVersion").asLong()).isGreaterThanOrEqualTo(rv);
    assertThat(names(list)).contains(name);

    ObjectNode dup = call(409, "POST", collection(i), "application/json", ContractSamples.sample(i, name));
    assertThat(dup.path("reason").asText()).isEqualTo("AlreadyExists");

    ObjectNode nameless = ContractSamples.sample(i, "x");
    ((ObjectNode) nameless.get("metadata")).remove("name");
    ObjectNode invalid = call(422, "POST", collection(i), "application/json", nameless);
    assertThat(invalid.path("reason").asText()).isEqualTo("Invalid");
    assertThat(invalid.path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");

    ((ObjectNode) nameless.get("metadata")).put("generateName", "gen-");
    ObjectNode generated = call(201, "POST", collection(i) + "?dryRun=All", "application/json", nameless);
    assertThat(generated.path("metadata").path("name").asText()).startsWith("gen-").hasSize(9);
    assertThat(names(call(200, "GET", collection(i), null, null)))
        .doesNotContain(generated.path("metadata").path("name").asText());
  }

  @ParameterizedTest
  @MethodSource("resources")
  void update_withStaleResourceVersion_conflicts(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    String name = unique(i, "update");
    ObjectNode obj = create(i, name);
    String staleRv = obj.path("metadata").path("resourceVersion").asText();
    ((ObjectNode) obj.get("metadata")).putObject("labels").put("step", "one");
    ObjectNode updated = call(200, "PUT", item(i, name), "application/json", obj);
    assertThat(updated.path("metadata").path("labels").path("step").asText()).isEqualTo("one");
    assertThat(updated.path("metadata").path("resourceVersion").asLong()).isGreaterThan(Long.parseLong(staleRv));

    ((ObjectNode) obj.get("metadata")).put("resourceVersion", staleRv);
    ((ObjectNode) obj.get("metadata").get("labels")).put("step", "two");
    ObjectNode conflict = call(409, "PUT", item(i, name), "application/json", obj);
    assertThat(conflict.path("reason").asText()).isEqualTo("Conflict");
    assertThat(call(200, "GET", item(i, name), null, null).path("metadata").path("labels").path("step").asText())
        .isEqualTo("one");
  }

  @ParameterizedTest
  @MethodSource("resources")
  void patch_ofEachType_applies(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    String name = unique(i, "patch");
    create(i, name);
    call(200, "PATCH", item(i, name), "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"a\":\"1\"}}}");
    call(200, "PATCH", item(i, name), "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/metadata/labels/b\",\"value\":\"2\"}]");
    ObjectNode last = call(200, "PATCH", item(i, name), "application/strategic-merge-patch+json",
        "{\"metadata\":{\"labels\":{\"c\":\"3\",\"a\":null}}}");
    assertThat(last.path("metadata").path("labels").has("a")).isFalse();
    assertThat(last.path("metadata").path("labels").path("b").asText()).isEqualTo("2");
    assertThat(last.path("metadata").path("labels").path("c").asText()).isEqualTo("3");
    ObjectNode unsupported = call(415, "PATCH", item(i, name), "text/plain", "x");
    assertThat(unsupported.path("reason").asText()).isEqualTo("UnsupportedMediaType");
  }

  @ParameterizedTest
  @MethodSource("resources")
  void delete_withFinalizer_waitsForItsRemoval(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    String name = unique(i, "final");
    ObjectNode sample = ContractSamples.sample(i, name);
    ((ObjectNode) sample.get("metadata")).putArray("finalizers").add("example.com/hold");
    call(201, "POST", collection(i), "application/json", sample);

    ObjectNode deleting = call(200, "DELETE", item(i, name), null, null);
    assertThat(deleting.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
    assertThat(call(200, "GET", item(i, name), null, null).path("metadata").has("deletionTimestamp")).isTrue();

    call(200, "PATCH", item(i, name), "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
    HttpResponse<String> after = api.send("GET", item(i, name), null, null);
    if (i.resource().equals("namespaces")) {
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).contains("\"phase\":\"Terminating\"");
    } else {
      assertThat(after.statusCode()).isEqualTo(404);
      assertThat(Json.MAPPER.readTree(after.body()).path("reason").asText()).isEqualTo("NotFound");
    }

    String plain = unique(i, "plain");
    String uid = create(i, plain).path("metadata").path("uid").asText();
    call(409, "DELETE", item(i, plain), "application/json", "{\"preconditions\":{\"uid\":\"other\"}}");
    call(200, "DELETE", item(i, plain), "application/json", "{\"preconditions\":{\"uid\":\"" + uid + "\"}}");
    HttpResponse<String> gone = api.send("GET", item(i, plain), null, null);
    assertThat(gone.statusCode()).isEqualTo(i.resource().equals("namespaces") ? 200 : 404);
  }

  @ParameterizedTest
  @MethodSource("resources")
  void watch_fromRevision_deliversLaterEventsInOrder(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    String name = unique(i, "watch");
    long rv = create(i, name).path("metadata").path("resourceVersion").asLong();
    call(200, "PATCH", item(i, name), "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"w\":\"1\"}}}");
    call(200, "DELETE", item(i, name), null, null);
    String selector = "fieldSelector=metadata.name%3D" + name;
    List<JsonNode> events = watch(collection(i) + "?watch=true&" + selector + "&resourceVersion=" + rv, 2);
    assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("MODIFIED",
        i.resource().equals("namespaces") ? "MODIFIED" : "DELETED");
    assertThat(events.get(0).path("object").path("metadata").path("labels").path("w").asText()).isEqualTo("1");
    List<JsonNode> fromBefore = watch(collection(i) + "?watch=true&" + selector + "&resourceVersion=" + (rv - 1), 1);
    assertThat(fromBefore.get(0).path("type").asText()).isEqualTo("ADDED");
  }

  @ParameterizedTest
  @MethodSource("resources")
  void watch_fromCompactedRevision_isGone(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    String name = unique(i, "compact");
    long rv = create(i, name).path("metadata").path("resourceVersion").asLong();
    call(200, "PATCH", item(i, name), "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"c\":\"1\"}}}");
    call(200, "PATCH", item(i, name), "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"c\":\"2\"}}}");
    api.etcd.compact(api.etcd.revision());
    List<JsonNode> events = watch(collection(i) + "?watch=true&resourceVersion=" + rv, 1);
    assertThat(events.get(0).path("type").asText()).isEqualTo("ERROR");
    assertThat(events.get(0).path("object").path("code").asInt()).isEqualTo(410);
    assertThat(events.get(0).path("object").path("reason").asText()).isEqualTo("Expired");
    ObjectNode exact = call(410, "GET", collection(i) + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
        null, null);
    assertThat(exact.path("reason").asText()).isEqualTo("Expired");
  }

  @ParameterizedTest
  @MethodSource("readOnlyResources")
  void readOnly_servesGetAndList_refusesWrites(ResourceStrategy s) throws Exception {
    ResourceInfo i = s.info();
    ObjectNode list = call(200, "GET", collection(i), null, null);
    assertThat(list.path("kind").asText()).isEqualTo(i.listKind());
    assertThat(list.path("items").size()).isPositive();
    String name = list.path("items").get(0).path("metadata").path("name").asText();
    assertThat(call(200, "GET", item(i, name), null, null).path("metadata").path("name").asText()).isEqualTo(name);
    assertThat(call(404, "GET", item(i, "absent"), null, null).path("reason").asText()).isEqualTo("NotFound");
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("metadata").put("name", "x");
    for (String[] write : new String[][] {{"POST", collection(i)}, {"PUT", item(i, name)}, {"DELETE", item(i, name)},
        {"DELETE", collection(i)}}) {
      ObjectNode refused = call(405, write[0], write[1], "application/json", body);
      assertThat(refused.path("reason").asText()).isEqualTo("MethodNotAllowed");
    }
    ObjectNode patch = call(405, "PATCH", item(i, name), "application/merge-patch+json", "{}");
    assertThat(patch.path("reason").asText()).isEqualTo("MethodNotAllowed");
    assertThat(call(405, "GET", collection(i) + "?watch=true", null, null).path("reason").asText())
        .isEqualTo("MethodNotAllowed");
  }

  private static List<String> names(ObjectNode list) {
    List<String> out = new ArrayList<>();
    list.path("items").forEach(it -> out.add(it.path("metadata").path("name").asText()));
    return out;
  }

  /** Reads the first {@code n} events of a watch (bounded by the request timeout), then closes it. */
  static List<JsonNode> watch(String path, int n) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(api.url() + path + "&timeoutSeconds=30"))
        .timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<InputStream> r = api.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while (events.size() < n && (line = in.readLine()) != null) {
        events.add(Json.MAPPER.readTree(line));
      }
    }
    assertThat(events).as("events of " + path).hasSize(n);
    return events;
  }
}
