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

  @Test
  void deployment_applyTwice_usesStrategicMergePatch() throws Exception {
    Path file = home.resolve("deploy.yaml");
    String manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.25
                ports:
                - containerPort: 80
        """;
    Files.writeString(file, manifest);
    assertThat(ok("apply", "--validate=false", "-f", file.toString()).out()).contains("deployment.apps/web created");
    Files.writeString(file, manifest.replace("nginx:1.25", "nginx:1.27"));
    assertThat(ok("apply", "--validate=false", "-f", file.toString()).out())
        .contains("deployment.apps/web configured");
    assertThat(ok("apply", "--validate=false", "-f", file.toString()).out())
        .contains("deployment.apps/web unchanged");
    String containers = ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers}").out();
    assertThat(containers).contains("\"image\":\"nginx:1.27\"").contains("\"containerPort\":80")
        .contains("\"imagePullPolicy\":\"IfNotPresent\"");
    assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.metadata.generation}").out()).isEqualTo("2");
    String wide = ok("get", "deployments", "-o", "wide").out();
    assertThat(wide).containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES"
        + "\\s+SELECTOR");
    assertThat(wide).containsPattern("web\\s+0/2\\s+0\\s+0\\s+\\S+\\s+nginx\\s+nginx:1.27\\s+app=web");
    ok("patch", "deploy", "web", "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\","
        + "\"image\":\"busybox\"}]}}}}");
    assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}").out())
        .isEqualTo("nginx sidecar");
    assertThat(ok("get", "all").out()).contains("deployment.apps/web");
    assertThat(ok("scale", "deployment", "web", "--replicas=5").out()).contains("deployment.apps/web scaled");
    assertThat(ok("scale", "deployment", "web", "--current-replicas=5", "--replicas=4").out())
        .contains("deployment.apps/web scaled");
    assertThat(kubectl.run("scale", "deployment", "web", "--current-replicas=9", "--replicas=1").exit()).isEqualTo(1);
    assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("4");
    assertThat(ok("delete", "-f", file.toString()).out()).contains("deployment.apps \"web\" deleted");
  }

  @Test
  void pod_getWideAllNamespacesAndDescribe() throws Exception {
    Path file = home.resolve("pod.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-1
          namespace: kube-public
        spec:
          containers:
          - name: c
            image: nginx
        """);
    ok("create", "--validate=false", "-f", file.toString());
    assertThat(ok("get", "pods", "-A").out()).containsPattern("NAMESPACE\\s+NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
        .containsPattern("kube-public\\s+web-1\\s+0/1\\s+Pending\\s+0");
    assertThat(ok("get", "po", "-n", "kube-public", "-o", "wide").out()).containsPattern("IP\\s+NODE\\s+NOMINATED NODE");
    assertThat(ok("get", "pods", "-A", "--field-selector", "status.phase=Pending", "-o", "name").out())
        .contains("pod/web-1");
    String describe = ok("describe", "pod", "-n", "kube-public", "web-1").out();
    assertThat(describe).contains("Name:", "web-1", "QoS Class:", "BestEffort", "Events:", "<none>");
    ok("delete", "pod", "-n", "kube-public", "web-1");
  }

  @Test
  void olderAndNewerKubectl_discoverAndList() throws Exception {
    Path dir = Kubectl.versionedDir();
    for (String v : new String[] {"1.27", "1.33"}) {
      Path bin = dir.resolve("kubectl." + v);
      Kubectl k = new Kubectl(bin.toString(), home.resolve("kubeconfig"), Files.createTempDirectory(home, v));
      Kubectl.Result r = k.run("get", "ns", "kube-system");
      assertThat(r.exit()).as(v + " " + r).isZero();
      assertThat(r.out()).containsPattern("kube-system\\s+Active");
      Kubectl.Result res = k.run("api-resources");
      assertThat(res.exit()).as(v + " " + res).isZero();
      assertThat(res.out()).contains("deployments", "leases");
    }
  }

  @Test
  void typedCreateCommands_sendProtobufAndSucceed() throws Exception {
    assertThat(ok("create", "namespace", "team-a").out()).contains("namespace/team-a created");
    assertThat(ok("create", "configmap", "cfg", "-n", "team-a", "--from-literal=a=b").out())
        .contains("configmap/cfg created");
    assertThat(ok("get", "cm", "cfg", "-n", "team-a", "-o", "jsonpath={.data.a}").out()).isEqualTo("b");
    assertThat(ok("create", "deployment", "api", "-n", "team-a", "--image=nginx:1.27", "--replicas=3").out())
        .contains("deployment.apps/api created");
    assertThat(ok("get", "deploy", "api", "-n", "team-a", "-o", "jsonpath={.spec.replicas} "
        + "{.spec.strategy.rollingUpdate.maxSurge} {.spec.template.spec.containers[0].image}").out())
        .isEqualTo("3 25% nginx:1.27");
    assertThat(ok("create", "secret", "generic", "pw", "-n", "team-a", "--from-literal=p=hunter2").out())
        .contains("secret/pw created");
    assertThat(ok("get", "secret", "pw", "-n", "team-a", "-o", "jsonpath={.data.p}").out())
        .isEqualTo(java.util.Base64.getEncoder().encodeToString("hunter2".getBytes()));
  }

  @Test
  void applyWithDefaultValidation_usesOpenApiV3AndServerSideStrictness() throws Exception {
    Path file = home.resolve("validated.yaml");
    String manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: validated
          namespace: kube-public
        spec:
          selector:
            matchLabels:
              app: v
          template:
            metadata:
              labels:
                app: v
            spec:
              containers:
              - name: c
                image: nginx:1.25
        """;
    Files.writeString(file, manifest);
    assertThat(ok("apply", "-f", file.toString()).out()).contains("deployment.apps/validated created");
    Files.writeString(file, manifest.replace("nginx:1.25", "nginx:1.27"));
    assertThat(ok("apply", "-f", file.toString()).out()).contains("deployment.apps/validated configured");
    Files.writeString(file, manifest.replace("name: validated", "name: bogus").replace("selector:",
        "bogusField: 1\n  selector:"));
    Kubectl.Result bad = kubectl.run("create", "-f", file.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("Error from server (BadRequest)", "strict decoding error",
        "unknown field \"spec.bogusField\"");
    assertThat(ok("explain", "deployment.spec.replicas").out()).contains("replicas", "integer");
  }

  @Test
  void bindingThenDrain_evictsThePod() throws Exception {
    Path file = home.resolve("node.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: Node
        metadata:
          name: worker-1
          labels:
            node-role.kubernetes.io/worker: ""
        status:
          conditions:
          - type: Ready
            status: "True"
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: bound
        spec:
          containers:
          - name: c
            image: nginx
        """);
    ok("create", "--validate=false", "-f", file.toString());
    assertThat(ok("get", "nodes").out()).containsPattern("worker-1\\s+Ready\\s+worker");
    String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"bound\"},"
        + "\"target\":{\"kind\":\"Node\",\"name\":\"worker-1\"}}";
    assertThat(api.send("POST", "/api/v1/namespaces/default/pods/bound/binding", "application/json", binding)
        .statusCode()).isEqualTo(201);
    assertThat(api.send("POST", "/api/v1/namespaces/default/pods/bound/binding", "application/json", binding)
        .statusCode()).isEqualTo(409);
    assertThat(ok("get", "pod", "bound", "-o", "wide").out()).contains("worker-1");
    Kubectl.Result drain = ok("drain", "worker-1", "--ignore-daemonsets", "--force", "--timeout=60s");
    assertThat(drain.out()).contains("pod/bound evicted", "node/worker-1 drained");
    assertThat(ok("get", "node", "worker-1").out()).contains("Ready,SchedulingDisabled");
    assertThat(kubectl.run("get", "pod", "bound").exit()).isEqualTo(1);
    assertThat(ok("uncordon", "worker-1").out()).contains("node/worker-1 uncordoned");
    assertThat(ok("get", "node", "worker-1").out()).doesNotContain("SchedulingDisabled");
  }

  @Test
  void remainingKinds_applyThenGet_printKubeColumns() throws Exception {
    Path file = home.resolve("kinds.yaml");
    Files.writeString(file, """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: kube-public}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: a, image: busybox}]}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: kube-public}
        spec:
          serviceName: db
          replicas: 2
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: d, image: postgres:16}]}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once, namespace: kube-public}
        spec:
          template:
            spec: {restartPolicy: Never, containers: [{name: j, image: busybox}]}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick, namespace: kube-public}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec: {restartPolicy: OnFailure, containers: [{name: t, image: busybox}]}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: budget, namespace: kube-public}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: db}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: reader, namespace: kube-public}
        rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: readers, namespace: kube-public}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
        subjects: [{kind: User, name: alice}, {kind: ServiceAccount, name: default, namespace: kube-public}]
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: limits, namespace: kube-public}
        spec:
          limits: [{type: Container, max: {cpu: "2"}, min: {cpu: 100m}}]
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: quota, namespace: kube-public}
        spec:
          hard: {pods: "10"}
        """);
    String applied = ok("apply", "-f", file.toString()).out();
    assertThat(applied).contains("daemonset.apps/agent created", "statefulset.apps/db created", "job.batch/once created",
        "cronjob.batch/tick created", "poddisruptionbudget.policy/budget created",
        "role.rbac.authorization.k8s.io/reader created", "rolebinding.rbac.authorization.k8s.io/readers created",
        "limitrange/limits created", "resourcequota/quota created");
    String ns = "-n=kube-public";
    assertThat(ok("get", "ds", ns).out()).containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+"
        + "AVAILABLE\\s+NODE SELECTOR\\s+AGE").containsPattern("agent\\s+0\\s+0\\s+0\\s+0\\s+0\\s+<none>");
    assertThat(ok("get", "sts", ns, "-o", "wide").out()).containsPattern("NAME\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES")
        .containsPattern("db\\s+0/2\\s+\\S+\\s+d\\s+postgres:16");
    assertThat(ok("scale", "sts", "db", ns, "--replicas=3").out()).contains("statefulset.apps/db scaled");
    assertThat(ok("get", "jobs", ns).out()).containsPattern("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE")
        .containsPattern("once\\s+Running\\s+0/1");
    assertThat(ok("get", "job", "once", ns, "-o", "jsonpath={.spec.selector.matchLabels}").out())
        .contains("batch.kubernetes.io/controller-uid");
    assertThat(ok("get", "cj", ns).out()).containsPattern("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+"
        + "LAST SCHEDULE\\s+AGE").containsPattern("tick\\s+\\*/5 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>");
    assertThat(ok("get", "pdb", ns).out()).containsPattern("NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+"
        + "ALLOWED DISRUPTIONS\\s+AGE").containsPattern("budget\\s+1\\s+N/A\\s+0");
    assertThat(ok("get", "rolebinding", ns, "-o", "wide").out()).containsPattern("NAME\\s+ROLE\\s+AGE\\s+USERS\\s+"
        + "GROUPS\\s+SERVICEACCOUNTS").containsPattern("readers\\s+Role/reader\\s+\\S+\\s+alice\\s+"
        + "kube-public:default");
    assertThat(ok("get", "limitrange", "limits", ns, "-o", "jsonpath={.spec.limits[0].default.cpu} "
        + "{.spec.limits[0].defaultRequest.cpu}").out()).isEqualTo("2 2");
    assertThat(ok("get", "quota", ns).out()).containsPattern("NAME\\s+AGE\\s+REQUEST\\s+LIMIT");
    String all = ok("get", "all", ns).out();
    assertThat(all).contains("daemonset.apps/agent", "statefulset.apps/db", "job.batch/once", "cronjob.batch/tick");

    assertThat(ok("create", "job", "manual", ns, "--image=busybox").out()).contains("job.batch/manual created");
    assertThat(ok("create", "cronjob", "nightly", ns, "--image=busybox", "--schedule=0 3 * * *").out())
        .contains("cronjob.batch/nightly created");
    assertThat(ok("create", "clusterrole", "viewer", "--verb=get", "--resource=pods").out())
        .contains("clusterrole.rbac.authorization.k8s.io/viewer created");
    assertThat(ok("create", "clusterrolebinding", "viewers", "--clusterrole=viewer", "--group=devs").out())
        .contains("clusterrolebinding.rbac.authorization.k8s.io/viewers created");
    Kubectl.Result badCron = kubectl.run("create", "cronjob", "broken", ns, "--image=busybox", "--schedule=61 * * * *");
    assertThat(badCron.exit()).isEqualTo(1);
    assertThat(badCron.err()).contains("Invalid", "spec.schedule");
    Kubectl.Result badRef = kubectl.run("patch", "rolebinding", "readers", ns, "--type=merge", "-p",
        "{\"roleRef\":{\"name\":\"other\"}}");
    assertThat(badRef.exit()).isEqualTo(1);
    assertThat(badRef.err()).contains("cannot change roleRef");
    ok("delete", "-f", file.toString());
  }

  @Test
  void componentStatuses_reportTheStoreMembersAndMissingComponents() throws Exception {
    Kubectl.Result cs = ok("get", "cs");
    assertThat(cs.err()).contains("Warning: v1 ComponentStatus is deprecated in v1.19+");
    String out = cs.out();
    assertThat(out).containsPattern("NAME\\s+STATUS\\s+MESSAGE\\s+ERROR")
        .containsPattern("etcd-0\\s+Healthy")
        .containsPattern("scheduler\\s+Unhealthy\\s+.*does not run")
        .containsPattern("controller-manager\\s+Unhealthy");
    Kubectl.Result del = kubectl.run("delete", "cs", "etcd-0");
    assertThat(del.exit()).isEqualTo(1);
    assertThat(del.err()).contains("MethodNotAllowed");
  }

  @Test
  void kubernetesService_andItsEndpointSlice_areListed() throws Exception {
    assertThat(ok("get", "svc", "kubernetes").out()).containsPattern("kubernetes\\s+ClusterIP\\s+10\\.96\\.0\\.1\\s+"
        + "<none>\\s+443/TCP");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> kubectl.run("get",
        "endpointslices").out().contains("kubernetes"));
    assertThat(ok("get", "endpointslices").out()).containsPattern("NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE")
        .containsPattern("kubernetes\\s+IPv4\\s+" + api.address.getPort() + "\\s+127\\.0\\.0\\.1");
    ok("create", "service", "nodeport", "web", "--tcp=80:8080");
    String svc = ok("get", "svc", "web").out();
    assertThat(svc).containsPattern("web\\s+NodePort\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80:3\\d{4}/TCP");
    ok("delete", "svc", "web");
  }

  @Test
  void kubectl127_appliesWithDefaultValidation_andExplains_fromOpenApiV2Protobuf() throws Exception {
    Path dir = Kubectl.versionedDir();
    Kubectl k = new Kubectl(dir.resolve("kubectl.1.27").toString(), home.resolve("kubeconfig"),
        Files.createTempDirectory(home, "v2"));
    Path file = home.resolve("v2.yaml");
    String manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: old-client
          namespace: kube-public
        spec:
          selector:
            matchLabels: {app: old}
          template:
            metadata:
              labels: {app: old}
            spec:
              containers:
              - name: c
                image: nginx:1.25
                ports:
                - containerPort: 80
        """;
    Files.writeString(file, manifest);
    Kubectl.Result created = k.run("apply", "-f", file.toString());
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out()).contains("deployment.apps/old-client created");
    Files.writeString(file, manifest.replace("nginx:1.25", "nginx:1.27"));
    Kubectl.Result configured = k.run("apply", "-f", file.toString());
    assertThat(configured.exit()).as(configured.toString()).isZero();
    assertThat(configured.out()).contains("deployment.apps/old-client configured");
    assertThat(ok("get", "deploy", "old-client", "-n", "kube-public", "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}")
        .out()).isEqualTo("nginx:1.27 80");
    Files.writeString(file, manifest.replace("name: old-client", "name: bogus").replace("selector:",
        "bogusField: 1\n  selector:"));
    Kubectl.Result bad = k.run("create", "-f", file.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("bogusField");
    Kubectl.Result explain = k.run("explain", "deployment.spec.replicas");
    assertThat(explain.exit()).as(explain.toString()).isZero();
    assertThat(explain.out()).contains("replicas", "integer");
    ok("delete", "deploy", "old-client", "-n", "kube-public");
  }
}
