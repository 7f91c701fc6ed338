package io.trireme.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.apiserver.testing.Kubectl;
import io.trireme.apiserver.testing.TestApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl against an ApiServer over a real etcd. */
class KubectlIT {
  @TempDir
  static Path home;
  static TestApiServer api;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    kubectl = new Kubectl("kubectl", api.writeKubeconfig(home), home);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static Kubectl.Result ok(String... args) throws Exception {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
    return r;
  }

  @Test
  void version_printsServerVersion() throws Exception {
    assertThat(ok("version").out()).contains("Server Version: v1.32.0");
  }

  @Test
  void apiResources_listsRegisteredResources() throws Exception {
    String out = ok("api-resources").out();
    assertThat(out).containsPattern("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace");
    assertThat(out).containsPattern("configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap");
  }

  @Test
  void readyz_verboseListsChecks() throws Exception {
    String out = ok("get", "--raw", "/readyz?verbose").out();
    assertThat(out).contains("[+]etcd ok").contains("[+]ping ok").contains("readyz check passed");
  }

  @Test
  void bootstrapNamespaces_areListedWithStatusColumn() throws Exception {
    String out = ok("get", "namespaces").out();
    assertThat(out).containsPattern("NAME\\s+STATUS\\s+AGE");
    assertThat(out).containsPattern("kube-system\\s+Active");
    assertThat(out).contains("default", "kube-public", "kube-node-lease");
  }

  @Test
  void configmap_lifecycle() throws Exception {
    Path file = home.resolve("cm.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            app: web
        data:
          color: blue
        """);
    assertThat(ok("create", "--validate=false", "-f", file.toString()).out())
        .contains("configmap/settings created");
    assertThat(ok("get", "configmaps").out()).containsPattern("settings\\s+1\\s+");
    assertThat(ok("get", "cm", "settings", "-o", "yaml").out()).contains("color: blue")
        .contains("resourceVersion:").contains("uid:");
    assertThat(ok("label", "cm", "settings", "tier=front").out()).contains("configmap/settings labeled");
    assertThat(ok("get", "cm", "-l", "tier=front", "-o", "name").out()).contains("configmap/settings");
    assertThat(ok("get", "cm", "-l", "tier in (back)", "-o", "name").out()).doesNotContain("settings");
    ok("patch", "cm", "settings", "--type=merge", "-p", "{\"data\":{\"size\":\"L\"}}");
    ok("patch", "cm", "settings", "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/color\","
        + "\"value\":\"red\"}]");
    ok("patch", "cm", "settings", "-p", "{\"data\":{\"shape\":\"round\"}}");
    String yaml = ok("get", "cm", "settings", "-o", "jsonpath={.data}").out();
    assertThat(yaml).contains("\"color\":\"red\"").contains("\"size\":\"L\"").contains("\"shape\":\"round\"");
    assertThat(ok("delete", "cm", "settings").out()).contains("configmap \"settings\" deleted");
    Kubectl.Result gone = kubectl.run("get", "cm", "settings");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("Error from server (NotFound): configmaps \"settings\" not found");
  }
}
