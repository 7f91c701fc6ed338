package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ClientInterceptors;
import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.ApiServerConfig;
import io.trireme.apiserver.WriteCondition;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.testing.TestApiServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The watch cache against a real etcd: many client watches on one store watch, replay from a resourceVersion
 * without gaps or duplicates, 410 beyond the window, a client too slow to read, and store watches cut under it.
 * Each test runs its own apiserver (with the window and client buffer it needs) over a {@link WatchTap}.
 */
class WatchCacheIT {
  private static final String PREFIX = "/registry/configmaps/";
  private static final Duration WAIT = Duration.ofSeconds(30);
  static TestApiServer api;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private WatchTap tap;
  private ApiServer server;
  private String url;

  @BeforeAll
  static void startEtcd() throws Exception {
    api = new TestApiServer();
  }

  @AfterAll
  static void stopEtcd() {
    api.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private void serve(Function<WatchCacheConfig, WatchCacheConfig> tune) throws Exception {
    tap = new WatchTap();
    ApiServerConfig config = ApiServerConfig.of("cache", "127.0.0.1", 0, ClusterCa.of(api.caKey),
        List.of("127.0.0.1")).withBookmarkInterval(Duration.ofMillis(500));
    server = new ApiServer(config, ClientInterceptors.intercept(api.etcd.channel(), tap), WriteCondition.NONE,
        Clock.systemUTC(), tune.apply(WatchCacheConfig.of(Duration.ofMillis(500))));
    cleanup.add(server);
    url = "https://127.0.0.1:" + server.start().getPort();
    Awaitility.await("bootstrap").atMost(WAIT).until(server::bootstrapped);
  }

  private long write(String method, String path, String body) throws Exception {
    String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    HttpResponse<String> r = api.http().send(HttpRequest.newBuilder(URI.create(url + path)).timeout(WAIT)
        .header("Content-Type", type).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 201);
    JsonNode obj = Json.MAPPER.readTree(r.body());
    return method.equals("DELETE") ? api.etcd.revision() : obj.path("metadata").path("resourceVersion").asLong();
  }

  private long create(String name, String label, String data) throws Exception {
    return write("POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"t\":\"" + label + "\"}},\"data\":{\"d\":\"" + data + "\"}}");
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = api.http().send(HttpRequest.newBuilder(URI.create(url + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  /** A client watch whose events are read into a queue by the HTTP client. */
  private final class Watch implements AutoCloseable {
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final String query;
    private final CompletableFuture<HttpResponse<Stream<String>>> head;
    private final CompletableFuture<?> response;

    /** Ends server-side after 2 min at the latest (the apiserver is closed after each test anyway). */
    Watch(String query) {
      this.query = query;
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/" + query
          + (query.contains("?") ? "&" : "?") + "watch=true&timeoutSeconds=120")).GET().build();
      head = api.http().sendAsync(req, HttpResponse.BodyHandlers.ofLines());
      // the body is read on a thread of its own: a plain thenAccept could run in whichever thread completes or
      // waits on the head future — the test thread in registered() — and block it until the stream ends
      response = head.thenAcceptAsync(r -> r.body()
          .forEach(line -> events.add(Json.object(line.getBytes(StandardCharsets.UTF_8)))), task -> {
            Thread reader = new Thread(task, "watch-reader");
            reader.setDaemon(true);
            reader.start();
          });
      cleanup.add(this);
    }

    /** Waits for the response head: the server sends it once the watch cache has registered this watch. */
    Watch registered() throws Exception {
      assertThat(head.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      return this;
    }

    /** Asserts that nothing but bookmarks arrives for {@code quiet}. */
    void staysQuiet(Duration quiet) {
      Awaitility.await("only bookmarks for " + quiet).during(quiet).atMost(quiet.plusSeconds(5))
          .until(() -> events.stream().allMatch(e -> e.path("type").asText().equals("BOOKMARK")));
    }

    JsonNode next() throws InterruptedException {
      JsonNode e = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(e).as("an event within " + WAIT + " on the watch of " + query).isNotNull();
      return e;
    }

    /** The next {@code n} events other than bookmarks. */
    List<JsonNode> take(int n) throws InterruptedException {
      List<JsonNode> out = new ArrayList<>();
      while (out.size() < n) {
        JsonNode e = next();
        if (!e.path("type").asText().equals("BOOKMARK")) {
          out.add(e);
        }
      }
      return out;
    }

    @Override
    public void close() {
      response.cancel(true);
    }
  }

  private static List<Long> revisions(List<JsonNode> events) {
    return events.stream().map(e -> e.path("object").path("metadata").path("resourceVersion").asLong()).toList();
  }

  @Test
  void manyClientWatches_shareTheResourcesOneStoreWatch() throws Exception {
    serve(Function.identity());
    assertThat(tap.created(PREFIX)).as("one store watch per resource, from the start").hasSize(1);
    long rv = api.etcd.revision();
    List<Watch> watches = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String query = switch (i % 3) {
        case 0 -> "namespaces/default/configmaps?labelSelector=t%3Dmany&resourceVersion=" + rv;
        case 1 -> "configmaps?labelSelector=t%3Dmany&resourceVersion=0";
        default -> "namespaces/default/configmaps?fieldSelector=metadata.name%3Dmany-1";
      };
      watches.add(new Watch(query));
    }
    Watch otherNamespace = new Watch("namespaces/kube-system/configmaps?labelSelector=t%3Dmany");
    for (Watch w : watches) {
      w.registered();
    }
    otherNamespace.registered();
    create("many-1", "many", "x");
    create("many-2", "many", "x");
    for (int i = 0; i < watches.size(); i++) {
      List<String> names = (i % 3 == 2 ? watches.get(i).take(1) : watches.get(i).take(2)).stream()
          .map(e -> e.path("type").asText() + " " + e.path("object").path("metadata").path("name").asText())
          .toList();
      assertThat(names).as("watch " + i).containsExactlyElementsOf(i % 3 == 2 ? List.of("ADDED many-1")
          : List.of("ADDED many-1", "ADDED many-2"));
    }
    assertThat(otherNamespace.events).noneMatch(e -> !e.path("type").asText().equals("BOOKMARK"));
    assertThat(tap.created(PREFIX)).as("31 client watches, still one store watch").hasSize(1);

    JsonNode page = get("/api/v1/namespaces/default/configmaps?labelSelector=t%3Dmany&resourceVersion=0&limit=1");
    assertThat(page.path("items")).hasSize(1);
    String cont = page.path("metadata").path("continue").asText();
    assertThat(cont).as("a list from the cache pages like one from the store").isNotEmpty();
    JsonNode rest = get("/api/v1/namespaces/default/configmaps?labelSelector=t%3Dmany&limit=5&continue=" + cont);
    assertThat(rest.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("many-2");
  }

  @Test
  void fromResourceVersion_everyChangeOnce_inOrder_howeverLateTheWatchStarts() throws Exception {
    serve(Function.identity());
    long rv0 = api.etcd.revision();
    String query = "namespaces/default/configmaps?labelSelector=t%3Dorder&resourceVersion=" + rv0;
    Watch early = new Watch(query);
    List<Long> written = new ArrayList<>();
    Watch middle = null;
    for (int i = 0; i < 40; i++) {
      written.add(create("order-" + i, "order", "v0"));
      written.add(write("PATCH", "/api/v1/namespaces/default/configmaps/order-" + i,
          "{\"data\":{\"d\":\"v1\"}}"));
      if (i == 20) {
        middle = new Watch(query);
      }
    }
    for (int i = 0; i < 40; i += 2) {
      written.add(write("DELETE", "/api/v1/namespaces/default/configmaps/order-" + i, null));
    }
    Watch late = new Watch(query);
    for (Watch w : List.of(early, middle, late)) {
      List<JsonNode> got = w.take(written.size());
      assertThat(revisions(got)).containsExactlyElementsOf(written);
      assertThat(got.subList(0, 2)).extracting(e -> e.path("type").asText()).containsExactly("ADDED", "MODIFIED");
      assertThat(got.get(got.size() - 1).path("type").asText()).isEqualTo("DELETED");
      w.staysQuiet(Duration.ofMillis(700)); // nothing after the last change but bookmarks
    }
  }

  @Test
  void olderThanTheWindow_isGone_withinIt_isServed() throws Exception {
    serve(c -> c.withWindow(16));
    long rv0 = api.etcd.revision();
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      written.add(create("window-" + i, "window", "x"));
    }
    JsonNode gone = new Watch("namespaces/default/configmaps?resourceVersion=" + rv0).next();
    assertThat(gone.path("type").asText()).isEqualTo("ERROR");
    assertThat(gone.path("object").path("code").asInt()).isEqualTo(410);
    assertThat(gone.path("object").path("reason").asText()).isEqualTo("Expired");
    assertThat(gone.path("object").path("message").asText()).startsWith("too old resource version: " + rv0);
    List<JsonNode> recent = new Watch("namespaces/default/configmaps?labelSelector=t%3Dwindow&resourceVersion="
        + written.get(20)).take(9);
    assertThat(revisions(recent)).containsExactlyElementsOf(written.subList(21, 30));
  }

  @Test
  void clientThatStopsReading_isClosed_whileTheOthersGetEverything() throws Exception {
    serve(c -> c.withClientBuffer(8));
    long rv0 = api.etcd.revision();
    String path = "/api/v1/namespaces/default/configmaps?watch=true&labelSelector=t%3Dslow&resourceVersion=" + rv0;
    SSLSocket slow = (SSLSocket) api.http().sslContext().getSocketFactory().createSocket();
    cleanup.add(slow);
    slow.setReceiveBufferSize(4096);
    slow.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 10_000);
    OutputStream out = slow.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Watch fast = new Watch("namespaces/default/configmaps?labelSelector=t%3Dslow&resourceVersion=" + rv0);
    String big = "x".repeat(100_000);
    int n = 120;
    for (int i = 0; i < n; i++) {
      create("slow-" + i, "slow", big);
    }
    assertThat(fast.take(n)).extracting(e -> e.path("object").path("metadata").path("name").asText())
        .endsWith("slow-" + (n - 1));
    slow.setSoTimeout(20_000);
    InputStream in = slow.getInputStream();
    byte[] buf = new byte[65536];
    long bytes = 0;
    boolean eof;
    try {
      int r;
      while ((r = in.read(buf)) >= 0) {
        bytes += r;
      }
      eof = true;
    } catch (SocketTimeoutException e) {
      eof = false;
    }
    assertThat(eof).as("the server closed the slow watch").isTrue();
    assertThat(bytes).as("it did not get all %d events", n).isLessThan((long) n * big.length());
  }

  @Test
  void storeWatchCut_resumesFromTheNextRevision_withoutGapOrDuplicate() throws Exception {
    serve(Function.identity());
    long rv0 = api.etcd.revision();
    Watch w = new Watch("namespaces/default/configmaps?labelSelector=t%3Dcut&resourceVersion=" + rv0);
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(create("cut-" + i, "cut", "x"));
    }
    assertThat(revisions(w.take(10))).containsExactlyElementsOf(written);
    int before = tap.created(PREFIX).size();
    tap.cut();
    for (int i = 10; i < 20; i++) {
      written.add(create("cut-" + i, "cut", "x"));
    }
    assertThat(revisions(w.take(10))).containsExactlyElementsOf(written.subList(10, 20));
    List<WatchTap.Created> created = tap.created(PREFIX);
    assertThat(created).hasSize(before + 1);
    assertThat(created.get(before).startRevision()).as("resumed after what was delivered, before what was not")
        .isGreaterThan(written.get(9)).isLessThanOrEqualTo(written.get(10));
    w.staysQuiet(Duration.ofMillis(700));
  }

  @Test
  void storeCompactedWhileCut_endsClientWatchesWithGone_andTheCacheRelists() throws Exception {
    serve(Function.identity());
    Watch w = new Watch("namespaces/default/configmaps?labelSelector=t%3Dcompact");
    create("compact-a", "compact", "x");
    assertThat(w.take(1)).as("the watch is running before the cut").hasSize(1);
    tap.refuse(true);
    tap.cut();
    create("compact-0", "compact", "x");
    long rv = create("compact-1", "compact", "x");
    api.etcd.compact(rv);
    tap.refuse(false);
    JsonNode gone = w.next();
    assertThat(gone.path("type").asText()).isEqualTo("ERROR");
    assertThat(gone.path("object").path("code").asInt()).isEqualTo(410);
    Watch again = new Watch("namespaces/default/configmaps?labelSelector=t%3Dcompact");
    List<JsonNode> current = again.take(3);
    assertThat(current).extracting(e -> e.path("type").asText()).containsOnly("ADDED");
    assertThat(revisions(current)).contains(rv);
    long rv2 = create("compact-2", "compact", "x");
    assertThat(revisions(again.take(1))).containsExactly(rv2);
  }
}
