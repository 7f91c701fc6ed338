package io.trireme.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code kubectl} with the {@code admin.conf} that {@code bin/trireme up --detach} writes, against every
 * node's apiserver: one cluster CA on all nodes (no --insecure-skip-tls-verify), writes through one node read
 * through another, and a kill -9 of one node leaves the others serving.
 */
class KubectlProcessIT {
  private static final List<String> ADDRESSES = List.of("127.0.1.41", "127.0.1.42", "127.0.1.43");
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(60);

  private TriremeCluster cluster;
  private Path kubeconfig;
  private Map<String, String> env;

  @BeforeEach
  void up() throws IOException {
    assumeFalse("etcd".equals(System.getProperty("trireme.it.reference")), "trireme apiserver only");
    cluster = TriremeCluster.up("kubectl-it", ADDRESSES);
    kubeconfig = cluster.dir().resolve("admin.conf");
    Path home = Files.createTempDirectory(cluster.dir(), "home-");
    env = Map.of("HOME", home.toString(), "KUBECACHEDIR", Files.createTempDirectory(home, "kubecache-").toString());
  }

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void adminConf_worksAgainstEveryNode_writesAreSeenEverywhere_andSurviveAKilledNode() throws Exception {
    assertThat(kubeconfig).exists();
    assertThat(Files.readString(kubeconfig)).contains("certificate-authority-data:")
        .contains("client-certificate-data:").contains("server: https://127.0.1.49:16443");
    Cmd.Result viaVip = Cmd.run(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "get", "ns", "-o", "name"),
        env, null, KUBECTL_TIMEOUT);
    assertThat(viaVip.ok()).as("%s", viaVip).isTrue();
    assertThat(viaVip.out()).contains("namespace/default");

    for (String address : ADDRESSES) {
      Cmd.Result ns = kubectl(address, "get", "ns", "-o", "name");
      assertThat(ns.ok()).as("%s", ns).isTrue();
      assertThat(ns.out()).contains("namespace/default", "namespace/kube-system", "namespace/kube-public",
          "namespace/kube-node-lease");
    }

    Cmd.Result created = kubectl(ADDRESSES.get(0), "create", "configmap", "x", "--from-literal=a=b");
    assertThat(created.ok()).as("%s", created).isTrue();
    for (String other : ADDRESSES.subList(1, 3)) {
      Cmd.Result cm = kubectl(other, "get", "cm", "x", "-o", "yaml");
      assertThat(cm.ok()).as("%s", cm).isTrue();
      assertThat(cm.out()).contains("name: x").contains("a: b");
    }

    long pid = cluster.pid("node1");
    ProcessHandle node1 = ProcessHandle.of(pid).orElseThrow();
    node1.destroyForcibly(); // SIGKILL
    node1.onExit().join();

    // the survivors may first elect a new store leader; kubectl must work again through node2 and node3
    await("kubectl through node2 after kill -9 of node1").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1)).until(() -> kubectl(ADDRESSES.get(1), "create", "configmap", "y",
            "--from-literal=c=d").ok() || kubectl(ADDRESSES.get(1), "get", "cm", "y").ok());
    Cmd.Result y = kubectl(ADDRESSES.get(2), "get", "cm", "y", "-o", "jsonpath={.data.c}");
    assertThat(y.ok()).as("%s", y).isTrue();
    assertThat(y.out()).isEqualTo("d");
    Cmd.Result x = kubectl(ADDRESSES.get(2), "get", "cm", "x", "-o", "jsonpath={.data.a}");
    assertThat(x.ok()).as("%s", x).isTrue();
    assertThat(x.out()).isEqualTo("b");
  }

  @Test
  void watchFromARevisionOnOneNode_seesWritesThroughTheOthers_andTheIssueCommandsWork() throws Exception {
    Cmd.Result info = Cmd.run(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "cluster-info"), env, null,
        KUBECTL_TIMEOUT);
    assertThat(info.ok()).as("%s", info).isTrue();
    assertThat(info.out()).contains("Kubernetes control plane is running at https://127.0.1.49:16443");

    String list = ok(ADDRESSES.get(0), "get", "--raw", "/api/v1/namespaces/default/configmaps?limit=1").out();
    String rv = list.replaceFirst("(?s)^.*?\"resourceVersion\":\"(\\d+)\".*$", "$1");
    assertThat(rv).as(list).matches("\\d+");
    ok(ADDRESSES.get(1), "create", "configmap", "watched", "--from-literal=a=b");
    ok(ADDRESSES.get(2), "annotate", "cm", "watched", "seen=yes");
    ok(ADDRESSES.get(1), "delete", "cm", "watched");
    // node1's watch from before the writes replays them in order, then the server ends it (timeoutSeconds)
    String events = ok(ADDRESSES.get(0), "get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true"
        + "&resourceVersion=" + rv + "&timeoutSeconds=5").out();
    assertThat(events.lines().filter(l -> l.contains("\"name\":\"watched\""))
        .map(l -> l.replaceFirst("^\\{\"type\":\"(\\w+)\".*$", "$1")))
        .containsExactly("ADDED", "MODIFIED", "DELETED");

    assertThat(ok(ADDRESSES.get(2), "auth", "can-i", "create", "deployments").out().strip()).isEqualTo("yes");
    assertThat(ok(ADDRESSES.get(1), "auth", "whoami").out()).contains("system:masters");
    ok(ADDRESSES.get(0), "create", "deployment", "kept", "--image=nginx");
    ok(ADDRESSES.get(1), "delete", "deployment", "kept", "--cascade=orphan", "--wait=false");
    assertThat(ok(ADDRESSES.get(2), "get", "deployment", "kept", "-o", "jsonpath={.metadata.finalizers}").out())
        .isEqualTo("[\"orphan\"]");
    assertThat(ok(ADDRESSES.get(1), "get", "--raw", "/readyz?verbose").out()).contains("[+]etcd ok",
        "readyz check passed");
  }

  private Cmd.Result ok(String address, String... args) {
    Cmd.Result r = kubectl(address, args);
    assertThat(r.ok()).as("%s", r).isTrue();
    return r;
  }

  private Cmd.Result kubectl(String address, String... args) {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
        "--server", "https://" + address + ":6443", "--request-timeout", "20s"));
    cmd.addAll(List.of(args));
    return Cmd.run(cmd, env, null, KUBECTL_TIMEOUT);
  }
}
