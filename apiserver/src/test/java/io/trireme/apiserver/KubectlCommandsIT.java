package io.trireme.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trireme.apiserver.auth.ServiceAccountTokens;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.testing.Kubectl;
import io.trireme.apiserver.testing.TestApiServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kubectl commands of issue 3's list that {@link KubectlIT} does not cover: get -w, cluster-info, annotate,
 * edit, describe node/deployment, cordon/uncordon, delete --cascade, auth can-i/whoami, create token (and the
 * token used with --token); and a representative
 * subset (apply, get, describe, get -w) with the oldest and newest versioned kubectl.
 */
class KubectlCommandsIT {
  private static final String ALICE_TOKEN = "alice-token-5f1c";
  @TempDir
  static Path home;
  static TestApiServer api;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = home.resolve("tokens.csv");
    Files.writeString(tokens, ALICE_TOKEN + ",alice,alice-uid,\"devs\"\n");
    api = new TestApiServer(tokens);
    kubectl = new Kubectl("kubectl", api.writeKubeconfig(home), home);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static Kubectl.Result ok(Kubectl k, String... args) throws Exception {
    Kubectl.Result r = k.run(args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
    return r;
  }

  private static Kubectl.Result ok(String... args) throws Exception {
    return ok(kubectl, args);
  }

  private static Kubectl versioned(String version) throws Exception {
    return new Kubectl(Kubectl.versionedDir().resolve("kubectl." + version).toString(), home.resolve("kubeconfig"),
        Files.createTempDirectory(home, version));
  }

  private static Path write(String name, String content) throws Exception {
    Path file = home.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void clusterInfo_namesTheControlPlane() throws Exception {
    assertThat(ok("cluster-info").out()).contains("Kubernetes control plane is running at " + api.url());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.27", "1.33"})
  void getWatch_printsARowPerChange_untilTheRequestTimeout(String version) throws Exception {
    Kubectl k = version.isEmpty() ? kubectl : versioned(version);
    String tag = "w" + version.replace(".", "");
    String first = tag + "-first";
    String second = tag + "-second";
    String manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          labels: {watch: %s}
        data: {a: "1"}
        """;
    ok(k, "create", "--validate=false", "-f", write(first + ".yaml", manifest.formatted(first, tag)).toString());
    String timeout = "--request-timeout=20s";
    Kubectl.Running plain = k.start("get", "cm", "-l", "watch=" + tag, "-w", timeout);
    Kubectl.Running events = k.start("get", "cm", "-l", "watch=" + tag, "-w", "--output-watch-events", timeout);
    Kubectl.Running single = k.start("get", "cm", first, "-w", timeout);
    Awaitility.await("initial rows").atMost(Duration.ofSeconds(15)).until(() -> plain.out().contains(first)
        && events.out().contains(first) && single.out().contains(first));

    ok(k, "create", "--validate=false", "-f", write(second + ".yaml", manifest.formatted(second, tag)).toString());
    ok(k, "annotate", "cm", second, "note=changed");
    ok(k, "label", "cm", second, "watch-");
    ok(k, "delete", "cm", second);
    ok(k, "annotate", "cm", first, "note=changed");
    Awaitility.await("watch rows").atMost(Duration.ofSeconds(15)).until(() -> count(events.out(), "^DELETED\\s")
        == 1 && count(single.out(), "^" + first + "\\s") == 2 && count(plain.out(), "^" + second + "\\s") == 3);
    Awaitility.await("kubectl ends at its request timeout").atMost(Duration.ofSeconds(30))
        .until(() -> !plain.alive() && !events.alive() && !single.alive());

    Kubectl.Result p = plain.stop();
    assertThat(p.exit()).as(p.toString()).isZero();
    assertThat(count(p.out(), "^NAME\\s+DATA\\s+AGE$")).as(p.out()).isEqualTo(1);
    assertThat(p.out()).containsPattern(first + "\\s+1\\s+\\d+s");
    Kubectl.Result e = events.stop();
    assertThat(e.exit()).as(e.toString()).isZero();
    assertThat(e.out()).as(e.out()).containsPattern("EVENT\\s+NAME\\s+DATA\\s+AGE")
        .containsPattern("ADDED\\s+" + first + "\\s+1")
        .containsPattern("ADDED\\s+" + second + "\\s+1")
        .containsPattern("MODIFIED\\s+" + second + "\\s+1")
        .containsPattern("DELETED\\s+" + second + "\\s+1")
        .containsPattern("MODIFIED\\s+" + first + "\\s+1");
    // the label removal took the object out of the selection: DELETED then, nothing for the real delete
    assertThat(count(e.out(), "^\\w+\\s+" + second + "\\s")).as(e.out()).isEqualTo(3);
    Kubectl.Result s = single.stop();
    assertThat(s.out()).doesNotContain(second);
    ok(k, "delete", "cm", first);
  }

  @Test
  void annotate_addsRefusesOverwritesAndRemoves() throws Exception {
    ok("create", "configmap", "notes", "--from-literal=a=b");
    assertThat(ok("annotate", "cm", "notes", "team=blue", "owner=ops").out()).contains("configmap/notes annotated");
    Kubectl.Result refused = kubectl.run("annotate", "cm", "notes", "team=red");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("--overwrite is false but found the following declared annotation(s): "
        + "'team' already has a value (blue)");
    ok("annotate", "cm", "notes", "team=red", "--overwrite");
    ok("annotate", "cm", "notes", "owner-");
    assertThat(ok("get", "cm", "notes", "-o", "jsonpath={.metadata.annotations}").out())
        .isEqualTo("{\"team\":\"red\"}");
    assertThat(ok("annotate", "cm", "--all", "audited=yes").out()).contains("configmap/notes annotated");
    assertThat(ok("get", "cm", "notes", "-o", "jsonpath={.metadata.annotations.audited}").out()).isEqualTo("yes");
    ok("delete", "cm", "notes");
  }

  @Test
  void edit_withAScriptAsEditor_updatesThenReportsInvalidEdits() throws Exception {
    ok("create", "deployment", "edited", "--image=nginx:1.25", "--replicas=2");
    Path editor = write("editor.sh", """
        #!/bin/sh
        # kubectl edit calls $KUBE_EDITOR <file>; the change comes from EDIT_FROM/EDIT_TO
        sed -i "s|$EDIT_FROM|$EDIT_TO|" "$1"
        """);
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    Kubectl.Result edited = kubectl.runWith(Map.of("KUBE_EDITOR", editor.toString(), "EDIT_FROM", "replicas: 2",
        "EDIT_TO", "replicas: 4"), null, "edit", "deployment", "edited");
    assertThat(edited.exit()).as(edited.toString()).isZero();
    assertThat(edited.out()).contains("deployment.apps/edited edited");
    assertThat(ok("get", "deploy", "edited", "-o", "jsonpath={.spec.replicas} {.metadata.generation}").out())
        .isEqualTo("4 2");

    Kubectl.Result unchanged = kubectl.runWith(Map.of("KUBE_EDITOR", editor.toString(), "EDIT_FROM", "no-such-text",
        "EDIT_TO", "x"), null, "edit", "deployment", "edited");
    assertThat(unchanged.exit()).as(unchanged.toString()).isZero();
    assertThat(unchanged.err()).contains("Edit cancelled, no changes made.");

    // refused: kubectl reopens the file with the server's causes on top; the script changes nothing then, so
    // kubectl gives up and keeps a copy of the file with those causes
    Path tmp = Files.createTempDirectory(home, "edit");
    Kubectl.Result invalid = kubectl.runWith(Map.of("KUBE_EDITOR", editor.toString(), "EDIT_FROM", "replicas: 4",
        "EDIT_TO", "replicas: -1", "TMPDIR", tmp.toString()), null, "edit", "deployment", "edited");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.err()).contains("error: deployments.apps \"edited\" is invalid",
        "Edit cancelled, no valid changes were saved.");
    StringBuilder kept = new StringBuilder();
    try (var files = Files.list(tmp)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("kubectl-edit-")).toList()) {
        kept.append(Files.readString(f));
      }
    }
    assertThat(kept).contains("# deployments.apps \"edited\" was not valid:",
        "# * spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assertThat(ok("get", "deploy", "edited", "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("4");
    ok("delete", "deploy", "edited");
  }

  @Test
  void describeNode_printsKubectlsSections_andFollowsCordonUncordon() throws Exception {
    Path file = write("described-node.yaml", """
        apiVersion: v1
        kind: Node
        metadata:
          name: described
          labels: {kubernetes.io/hostname: described, node-role.kubernetes.io/worker: ""}
        status:
          capacity: {cpu: "4", memory: 8Gi, pods: "110"}
          allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
          conditions:
          - {type: Ready, status: "True", reason: KubeletReady, message: kubelet is posting ready status}
          addresses:
          - {type: InternalIP, address: 10.0.0.5}
          nodeInfo: {kubeletVersion: v1.32.0, osImage: Debian, kernelVersion: "6.1", architecture: amd64,
            operatingSystem: linux, containerRuntimeVersion: "containerd://1.7", machineID: "m1", systemUUID: "u1",
            bootID: "b1", kubeProxyVersion: v1.32.0}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: on-described}
        spec:
          nodeName: described
          containers:
          - name: c
            image: nginx
            resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}
        """);
    ok("create", "--validate=false", "-f", file.toString());
    String out = ok("describe", "node", "described").out();
    assertThat(out).containsPattern("Name:\\s+described").containsPattern("Roles:\\s+worker")
        .contains("Labels:", "Annotations:", "CreationTimestamp:").containsPattern("Taints:\\s+<none>")
        .containsPattern("Unschedulable:\\s+false").contains("Lease:", "Conditions:")
        .containsPattern("Ready\\s+True\\s+.*KubeletReady\\s+kubelet is posting ready status")
        .containsPattern("InternalIP:\\s+10\\.0\\.0\\.5").contains("Capacity:", "Allocatable:", "System Info:")
        .containsPattern("Kubelet Version:\\s+v1\\.32\\.0").contains("Non-terminated Pods:", "(1 in total)")
        .containsPattern("default\\s+on-described\\s+500m \\(12%\\)\\s+1 \\(25%\\)\\s+1Gi \\(12%\\)\\s+1Gi \\(12%\\)")
        .contains("Allocated resources:").containsPattern("cpu\\s+500m \\(12%\\)\\s+1 \\(25%\\)")
        .contains("Events:").doesNotContain("error", "Error");
    assertThat(ok("cordon", "described").out()).contains("node/described cordoned");
    assertThat(ok("describe", "node", "described").out()).containsPattern("Unschedulable:\\s+true");
    assertThat(ok("get", "node", "described").out()).containsPattern("described\\s+Ready,SchedulingDisabled\\s+worker");
    assertThat(ok("uncordon", "described").out()).contains("node/described uncordoned");
    assertThat(ok("uncordon", "described").out()).contains("node/described already uncordoned");
    assertThat(ok("describe", "node", "described").out()).containsPattern("Unschedulable:\\s+false");
    ok("delete", "-f", file.toString());
  }

  @Test
  void describeDeployment_printsKubectlsSections_andItsEvents() throws Exception {
    ok("create", "deployment", "shown", "--image=nginx:1.27", "--replicas=3", "--port=80");
    String uid = ok("get", "deploy", "shown", "-o", "jsonpath={.metadata.uid}").out();
    ok("create", "--validate=false", "-f", write("shown-event.yaml", """
        apiVersion: v1
        kind: Event
        metadata: {name: shown.1}
        involvedObject: {apiVersion: apps/v1, kind: Deployment, name: shown, namespace: default, uid: %s}
        reason: ScalingReplicaSet
        message: Scaled up replica set shown-5d9 to 3
        type: Normal
        source: {component: deployment-controller}
        count: 1
        """.formatted(uid)).toString());
    String out = ok("describe", "deployment", "shown").out();
    assertThat(out).containsPattern("Name:\\s+shown").containsPattern("Namespace:\\s+default")
        .contains("CreationTimestamp:").containsPattern("Labels:\\s+app=shown").containsPattern("Selector:\\s+app=shown")
        .containsPattern("Replicas:\\s+3 desired \\| 0 updated \\| 0 total \\| 0 available \\| 0 unavailable")
        .containsPattern("StrategyType:\\s+RollingUpdate").containsPattern("MinReadySeconds:\\s+0")
        .containsPattern("RollingUpdateStrategy:\\s+25% max unavailable, 25% max surge")
        .contains("Pod Template:", "Containers:").containsPattern("Image:\\s+nginx:1.27")
        .containsPattern("Port:\\s+80/TCP").contains("Events:")
        .containsPattern("Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set "
            + "shown-5d9 to 3");
    ok("delete", "deploy", "shown");
    ok("delete", "event", "shown.1");
  }

  @Test
  void deleteCascade_setsTheGarbageCollectorsFinalizers_withoutAGarbageCollector() throws Exception {
    ok("create", "deployment", "owner-fg", "--image=nginx");
    ok("create", "deployment", "owner-or", "--image=nginx");
    ok("create", "deployment", "owner-bg", "--image=nginx");
    String uid = ok("get", "deploy", "owner-bg", "-o", "jsonpath={.metadata.uid}").out();
    ok("create", "--validate=false", "-f", write("owned.yaml", """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: owner-bg-7f8
          labels: {app: owner-bg}
          ownerReferences:
          - {apiVersion: apps/v1, kind: Deployment, name: owner-bg, uid: %s, controller: true,
             blockOwnerDeletion: true}
        spec:
          selector: {matchLabels: {app: owner-bg}}
          template:
            metadata: {labels: {app: owner-bg}}
            spec: {containers: [{name: nginx, image: nginx}]}
        """.formatted(uid)).toString());
    String fields = "jsonpath={.metadata.deletionTimestamp}|{.metadata.finalizers}|{.metadata.generation}";

    assertThat(ok("delete", "deploy", "owner-fg", "--cascade=foreground", "--wait=false").out())
        .contains("deployment.apps \"owner-fg\" deleted");
    assertThat(ok("get", "deploy", "owner-fg", "-o", fields).out()).matches("\\d{4}-.+Z\\|\\[\"foregroundDeletion\"]\\|2");
    assertThat(ok("delete", "deploy", "owner-or", "--cascade=orphan", "--wait=false").out())
        .contains("deployment.apps \"owner-or\" deleted");
    assertThat(ok("get", "deploy", "owner-or", "-o", fields).out()).matches("\\d{4}-.+Z\\|\\[\"orphan\"]\\|2");
    assertThat(ok("get", "deploy").out()).containsPattern("owner-fg\\s+0/1").containsPattern("owner-or\\s+0/1");

    // a second delete with another policy swaps the garbage collector's finalizer, the deletion time stays
    String since = ok("get", "deploy", "owner-fg", "-o", "jsonpath={.metadata.deletionTimestamp}").out();
    ok("delete", "deploy", "owner-fg", "--cascade=orphan", "--wait=false");
    assertThat(ok("get", "deploy", "owner-fg", "-o", fields).out()).isEqualTo(since + "|[\"orphan\"]|2");

    // background: gone at once; its ReplicaSet stays until a garbage collector (not running yet) removes it
    assertThat(ok("delete", "deploy", "owner-bg", "--cascade=background", "--wait=false").out())
        .contains("deployment.apps \"owner-bg\" deleted");
    assertThat(kubectl.run("get", "deploy", "owner-bg").err()).contains("NotFound");
    assertThat(ok("get", "rs", "owner-bg-7f8", "-o", "jsonpath={.metadata.ownerReferences[0].name}").out())
        .isEqualTo("owner-bg");

    // what the garbage collector does when it is done: remove its finalizer; then the object goes
    for (String name : new String[] {"owner-fg", "owner-or"}) {
      ok("patch", "deploy", name, "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
      assertThat(kubectl.run("get", "deploy", name).err()).contains("NotFound");
    }
    ok("delete", "rs", "owner-bg-7f8");

    Kubectl.Result bad = kubectl.run("delete", "--raw", "/apis/apps/v1/namespaces/default/deployments/nothing"
        + "?propagationPolicy=Sideways");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("propagationPolicy: Unsupported value: \"Sideways\"");
  }

  @Test
  void authCanI_answersYes_forTheAdminAndForOthersWhileNothingIsEnforced() throws Exception {
    Kubectl.Result yes = ok("auth", "can-i", "create", "deployments");
    assertThat(yes.out().strip()).isEqualTo("yes");
    assertThat(ok("auth", "can-i", "delete", "nodes").out().strip()).isEqualTo("yes");
    assertThat(ok("auth", "can-i", "get", "/readyz").out().strip()).isEqualTo("yes");
    String list = ok("auth", "can-i", "--list").out();
    assertThat(list).containsPattern("Resources\\s+Non-Resource URLs\\s+Resource Names\\s+Verbs")
        .containsPattern("\\*\\.\\*\\s+\\[]\\s+\\[]\\s+\\[\\*]").containsPattern("\\[\\*]\\s+\\[]\\s+\\[\\*]");

    Kubectl alice = new Kubectl("kubectl", api.writeTokenKubeconfig(home.resolve("alice.conf"), "alice",
        ALICE_TOKEN), Files.createTempDirectory(home, "alice"));
    assertThat(ok(alice, "auth", "can-i", "create", "deployments").out().strip()).isEqualTo("yes");
    String whoami = ok(alice, "auth", "whoami").out();
    assertThat(whoami).containsPattern("ATTRIBUTE\\s+VALUE").containsPattern("Username\\s+alice")
        .containsPattern("UID\\s+alice-uid").containsPattern("Groups\\s+\\[devs system:authenticated]");
    assertThat(ok("auth", "whoami").out()).containsPattern("Username\\s+admin")
        .containsPattern("Groups\\s+\\[system:masters system:authenticated]");

    // impersonation (--as): the request acts as the impersonated user, with its groups
    assertThat(ok("auth", "whoami", "--as=bob", "--as-group=devs").out()).containsPattern("Username\\s+bob")
        .containsPattern("Groups\\s+\\[devs system:authenticated]");
    assertThat(ok("auth", "whoami", "--as=system:serviceaccount:kube-system:builder").out())
        .containsPattern("Groups\\s+\\[system:serviceaccounts system:serviceaccounts:kube-system "
            + "system:authenticated]");
    assertThat(ok("auth", "can-i", "create", "pods", "--as=bob").out().strip()).isEqualTo("yes");
    HttpResponse<String> groupOnly = api.http().send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/pods"))
        .header("Impersonate-Group", "devs").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(groupOnly.statusCode()).isEqualTo(500);
    assertThat(groupOnly.body()).contains("without impersonating a user");

    // the review itself: the admin is allowed for no stated reason, alice with the reason that nothing is enforced
    String review = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
        + "\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"delete\",\"resource\":\"pods\"}}}";
    HttpResponse<String> admin = api.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "application/json", review);
    assertThat(admin.statusCode()).isEqualTo(201);
    assertThat(Json.object(admin.body().getBytes(StandardCharsets.UTF_8)).path("status").toString())
        .isEqualTo("{\"allowed\":true}");
    HttpResponse<String> asAlice = api.http().send(HttpRequest.newBuilder(URI.create(api.url()
        + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).header("Authorization", "Bearer " + ALICE_TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode status = Json.object(asAlice.body().getBytes(StandardCharsets.UTF_8)).path("status");
    assertThat(status.path("allowed").asBoolean()).isTrue();
    assertThat(status.path("reason").asText()).contains("no authorization is enforced");

    HttpResponse<String> neither = api.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "application/json", "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
            + "\"spec\":{}}");
    assertThat(neither.statusCode()).isEqualTo(422);
    assertThat(neither.body()).contains("exactly one of nonResourceAttributes or resourceAttributes");
    assertThat(api.send("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", null, null).statusCode())
        .isEqualTo(405);
    assertThat(ok("api-resources", "--api-group=authorization.k8s.io").out())
        .containsPattern("selfsubjectaccessreviews\\s+authorization.k8s.io/v1\\s+false\\s+SelfSubjectAccessReview")
        .contains("selfsubjectrulesreviews");
  }

  @Test
  void createToken_signsATokenTheApiserverAcceptsUntilItExpiresOrTheAccountGoes() throws Exception {
    Awaitility.await("default service account").atMost(Duration.ofSeconds(30))
        .until(() -> kubectl.run("get", "sa", "default", "-n", "default").exit() == 0);
    // kubectl 1.32 (the dispatcher's pick) posts the TokenRequest as protobuf
    Kubectl.Result created = ok("create", "token", "default", "-n", "default");
    String token = created.out().strip();
    assertThat(token.split("\\.")).hasSize(3);
    JsonNode claims = claims(token);
    assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:default:default");
    assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
    assertThat(claims.path("aud").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");

    Kubectl bare = new Kubectl("kubectl", api.writeNoCredentialsKubeconfig(home.resolve("bare.conf")),
        Files.createTempDirectory(home, "bare"));
    assertThat(ok(bare, "--token=" + token, "auth", "whoami").out())
        .containsPattern("Username\\s+system:serviceaccount:default:default")
        .containsPattern("Groups\\s+\\[system:serviceaccounts system:serviceaccounts:default system:authenticated]");
    assertThat(ok(bare, "--token=" + token, "get", "sa", "default").out()).containsPattern("default\\s+0\\s+");

    // expirationSeconds: honoured, at least 10 minutes (kube's validation message); kubectl 1.27 sends JSON
    JsonNode twoHours = claims(ok(versioned("1.27"), "create", "token", "default", "--duration=2h").out().strip());
    assertThat(twoHours.path("exp").asLong() - twoHours.path("iat").asLong()).isEqualTo(7200);
    Kubectl.Result tooShort = kubectl.run("create", "token", "default", "--duration=5m");
    assertThat(tooShort.exit()).isEqualTo(1);
    assertThat(tooShort.err()).contains("Invalid value: 300: may not specify a duration less than 10 minutes");
    Kubectl.Result missing = kubectl.run("create", "token", "nobody-here");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("serviceaccounts \"nobody-here\" not found");

    // an expired token (signed with the cluster key, but two hours ago for one hour) and a forged one: 401
    String uid = claims.path("kubernetes.io").path("serviceaccount").path("uid").asText();
    ServiceAccountTokens past = new ServiceAccountTokens(api.caKey.privateKey(), api.caKey.certificate().getPublicKey(),
        ServiceAccountTokens.DEFAULT_ISSUER, Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
    String expired = past.issue("default", "default", uid, List.of(ServiceAccountTokens.DEFAULT_ISSUER), 3600).token();
    Kubectl.Result refused = bare.run("--token=" + expired, "auth", "whoami");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("You must be logged in to the server");
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.toString()
        .replace("system:serviceaccount:default:default", "system:serviceaccount:default:admin")
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertThat(bare.run("--token=" + forged, "get", "sa").err()).contains("You must be logged in to the server");

    // a token stops working when its service account is deleted, and is not revived by a new one of that name
    ok("create", "serviceaccount", "robot");
    String robot = ok("create", "token", "robot").out().strip();
    assertThat(ok(bare, "--token=" + robot, "auth", "whoami").out())
        .containsPattern("Username\\s+system:serviceaccount:default:robot");
    ok("delete", "serviceaccount", "robot");
    assertThat(bare.run("--token=" + robot, "auth", "whoami").err()).contains("You must be logged in to the server");
    ok("create", "serviceaccount", "robot");
    assertThat(bare.run("--token=" + robot, "auth", "whoami").err()).contains("You must be logged in to the server");
    ok("delete", "serviceaccount", "robot");
  }

  private static JsonNode claims(String jwt) throws Exception {
    return Json.object(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.33"})
  void olderAndNewerKubectl_applyGetDescribe(String version) throws Exception {
    Kubectl k = versioned(version);
    String name = "v" + version.replace(".", "");
    String manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, labels: {app: %s}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports: [{containerPort: 80}]
        """.formatted(name, name, name, name);
    Path file = write(name + ".yaml", manifest);
    assertThat(ok(k, "apply", "-f", file.toString()).out()).contains("deployment.apps/" + name + " created");
    Files.writeString(file, manifest.replace("nginx:1.25", "nginx:1.27"));
    assertThat(ok(k, "apply", "-f", file.toString()).out()).contains("deployment.apps/" + name + " configured");
    assertThat(ok(k, "apply", "-f", file.toString()).out()).contains("deployment.apps/" + name + " unchanged");
    assertThat(ok(k, "get", "deploy", name, "-o", "wide").out())
        .containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR")
        .containsPattern(name + "\\s+0/2\\s+0\\s+0\\s+\\S+\\s+web\\s+nginx:1.27\\s+app=" + name);
    assertThat(ok(k, "get", "deploy", "-l", "app=" + name, "-o", "jsonpath={.items[0].spec.template.spec.containers"
        + "[0].ports[0].containerPort}").out()).isEqualTo("80");
    assertThat(ok(k, "describe", "deploy", name).out()).containsPattern("Name:\\s+" + name)
        .containsPattern("Replicas:\\s+2 desired").containsPattern("Image:\\s+nginx:1.27").contains("Events:");
    ok(k, "delete", "-f", file.toString());
  }
}
