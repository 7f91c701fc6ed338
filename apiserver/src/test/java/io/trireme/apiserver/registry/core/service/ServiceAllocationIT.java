package io.trireme.apiserver.registry.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.service.ServiceAllocation.PortRange;
import io.trireme.apiserver.testing.TestApiServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ClusterIP / NodePort allocation and the kubernetes Service across three apiservers on one etcd, with a small
 * service range (10.96.0.0/27: 29 free addresses after the kubernetes Service) so racing picks collide.
 */
class ServiceAllocationIT {
  private static final String SVC = "/api/v1/namespaces/default/services";
  static TestApiServer api;
  static ApiServer peer1;
  static ApiServer peer2;
  static List<InetSocketAddress> servers;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer(null, c -> c.withServiceRanges(ServiceRange.parse("10.96.0.0/27"),
        new PortRange(30000, 30031)));
    peer1 = api.startPeer("peer-1", "127.0.2.1");
    peer2 = api.startPeer("peer-2", "127.0.2.2");
    servers = List.of(api.address, peer1.address(), peer2.address());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {peer1, peer2}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closing a peer twice is harmless
      }
    }
    if (api != null) {
      api.close();
    }
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static String service(String name, String type, String extraSpec) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"type\":\"" + type + "\",\"selector\":{\"app\":\""
        + name + "\"},\"ports\":[{\"port\":80" + "}]" + extraSpec + "}}";
  }

  @Test
  void kubernetesService_hasFirstAddress_andEndpointsFollowTheLiveApiservers() throws Exception {
    JsonNode svc = json(api.send("GET", SVC + "/kubernetes", null, null));
    assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("10.96.0.1");
    assertThat(svc.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(443);
    assertThat(svc.path("spec").path("ports").get(0).path("name").asText()).isEqualTo("https");
    Awaitility.await("three apiservers in the kubernetes endpoints").atMost(Duration.ofSeconds(20))
        .until(() -> endpointIps().equals(Set.of("127.0.0.1", "127.0.2.1", "127.0.2.2")));
    JsonNode slice = json(api.send("GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes",
        null, null));
    assertThat(slice.path("endpoints").size()).isEqualTo(3);

    ApiServer third = api.startPeer("peer-3", "127.0.2.3");
    Awaitility.await("a fourth apiserver joins").atMost(Duration.ofSeconds(20))
        .until(() -> endpointIps().contains("127.0.2.3"));
    third.close();
    Awaitility.await("a stopped apiserver leaves").atMost(Duration.ofSeconds(20))
        .until(() -> endpointIps().equals(Set.of("127.0.0.1", "127.0.2.1", "127.0.2.2")));
  }

  private static Set<String> endpointIps() throws Exception {
    HttpResponse<String> r = api.send("GET", "/api/v1/namespaces/default/endpoints/kubernetes", null, null);
    Set<String> ips = new HashSet<>();
    if (r.statusCode() == 200) {
      for (JsonNode subset : json(r).path("subsets")) {
        subset.path("addresses").forEach(a -> ips.add(a.path("ip").asText()));
      }
    }
    return ips;
  }

  @Test
  void requestedValues_areChecked_heldWhileTheServiceLives_andReleasedOnDelete() throws Exception {
    HttpResponse<String> first = api.send("POST", SVC, "application/json",
        service("pinned", "NodePort", ",\"clusterIP\":\"10.96.0.30\"").replace("\"port\":80", "\"port\":80,\"nodePort\":30031"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(json(first).path("spec").path("clusterIPs").get(0).asText()).isEqualTo("10.96.0.30");

    HttpResponse<String> ipTaken = api.send(servers.get(1), "POST", SVC, "application/json",
        service("pinned-2", "ClusterIP", ",\"clusterIP\":\"10.96.0.30\""));
    assertThat(ipTaken.statusCode()).isEqualTo(422);
    assertThat(json(ipTaken).path("reason").asText()).isEqualTo("Invalid");
    assertThat(json(ipTaken).path("message").asText()).contains("spec.clusterIPs")
        .contains("provided IP is already allocated");

    HttpResponse<String> portTaken = api.send(servers.get(2), "POST", SVC, "application/json",
        service("pinned-3", "NodePort", "").replace("\"port\":80", "\"port\":80,\"nodePort\":30031"));
    assertThat(portTaken.statusCode()).isEqualTo(422);
    assertThat(json(portTaken).path("message").asText()).contains("spec.ports[0].nodePort")
        .contains("provided port is already allocated");

    HttpResponse<String> outside = api.send("POST", SVC, "application/json",
        service("outside", "ClusterIP", ",\"clusterIP\":\"10.0.0.5\""));
    assertThat(outside.statusCode()).isEqualTo(422);
    assertThat(json(outside).path("message").asText()).contains("is not in the valid range");
    HttpResponse<String> badPort = api.send("POST", SVC, "application/json",
        service("bad-port", "NodePort", "").replace("\"port\":80", "\"port\":80,\"nodePort\":80"));
    assertThat(badPort.statusCode()).isEqualTo(422);
    assertThat(json(badPort).path("message").asText()).contains("30000-30031");

    HttpResponse<String> put = api.send("PUT", SVC + "/pinned", "application/json", service("pinned", "NodePort", ""));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(put).path("spec").path("clusterIP").asText()).isEqualTo("10.96.0.30");
    assertThat(json(put).path("spec").path("ports").get(0).path("nodePort").asInt()).isEqualTo(30031);

    HttpResponse<String> toClusterIp = api.send("PATCH", SVC + "/pinned", "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/spec/type\",\"value\":\"ClusterIP\"},"
            + "{\"op\":\"remove\",\"path\":\"/spec/ports/0/nodePort\"}]");
    assertThat(toClusterIp.statusCode()).as(toClusterIp.body()).isEqualTo(200);
    assertThat(api.etcd.keys(ServiceAllocation.PORT_PREFIX)).doesNotContain(ServiceAllocation.PORT_PREFIX + "30031");

    assertThat(api.send("DELETE", SVC + "/pinned", null, null).statusCode()).isEqualTo(200);
    assertThat(api.etcd.keys(ServiceAllocation.IP_PREFIX)).doesNotContain(ServiceAllocation.IP_PREFIX + "10.96.0.30");
    HttpResponse<String> again = api.send(servers.get(1), "POST", SVC, "application/json",
        service("pinned-2", "ClusterIP", ",\"clusterIP\":\"10.96.0.30\""));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(api.send("DELETE", SVC + "/pinned-2", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentCreates_throughThreeApiservers_neverShareAnAddressOrPort() throws Exception {
    int free = 29 - (int) api.etcd.keys(ServiceAllocation.IP_PREFIX).stream().filter(k -> !k.endsWith(".1")).count();
    int n = Math.min(free, 24);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InetSocketAddress to = servers.get(i % servers.size());
      String body = service("race-" + i, "NodePort", "");
      results.add(pool.submit(() -> api.send(to, "POST", SVC, "application/json", body)));
    }
    Set<String> ips = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (Future<HttpResponse<String>> f : results) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      JsonNode spec = json(r).path("spec");
      ips.add(spec.path("clusterIP").asText());
      ports.add(spec.path("ports").get(0).path("nodePort").asInt());
    }
    pool.shutdown();
    assertThat(ips).hasSize(n).doesNotContain("10.96.0.1");
    assertThat(ports).hasSize(n).allMatch(p -> p >= 30000 && p <= 30031);
    for (String ip : ips) {
      assertThat(api.etcd.keys(ServiceAllocation.IP_PREFIX)).contains(ServiceAllocation.IP_PREFIX + ip);
    }
    for (int i = 0; i < n; i++) {
      assertThat(api.send("DELETE", SVC + "/race-" + i, null, null).statusCode()).isEqualTo(200);
    }
    assertThat(api.etcd.keys(ServiceAllocation.PORT_PREFIX)).isEmpty();
  }
}
