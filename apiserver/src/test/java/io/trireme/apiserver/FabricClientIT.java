package io.trireme.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.trireme.apiserver.testing.TestApiServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fabric8 Kubernetes client against the apiserver with a client certificate: CRUD, selectors, patches,
 * status, scale, propagation, watch (also from a resourceVersion), paging, and a SharedIndexInformer that
 * follows adds/updates/deletes, resyncs, and relists after its watch resumes below a compaction (410).
 */
class FabricClientIT {
  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    client = client(api.url());
    Awaitility.await("default service account").atMost(Duration.ofSeconds(30))
        .until(() -> client.serviceAccounts().withName("default").get() != null);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static KubernetesClient client(String url) {
    Base64.Encoder b64 = Base64.getEncoder();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url)
        .withCaCertData(b64.encodeToString(api.caKey.certificatePem().getBytes(StandardCharsets.UTF_8)))
        .withClientCertData(b64.encodeToString(api.admin.certificatePem().getBytes(StandardCharsets.UTF_8)))
        .withClientKeyData(b64.encodeToString(api.admin.privateKeyPem().getBytes(StandardCharsets.UTF_8)))
        .withClientKeyAlgo("EC").withNamespace("default").withRequestTimeout(30_000)
        .withWatchReconnectInterval(200).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static List<String> names(List<? extends HasMetadata> items) {
    return items.stream().map(i -> i.getMetadata().getName()).sorted().toList();
  }

  private static ConfigMap configMap(String name, Map<String, String> labels) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .addToData("k", "v").build();
  }

  private static Pod pod(String namespace, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", name)
        .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .build();
  }

  @Test
  void configMaps_crudSelectorsPatchesAndConflicts() {
    ConfigMap created = client.configMaps().resource(configMap("f8-a", Map.of("app", "f8", "tier", "front")))
        .create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotEmpty();
    client.configMaps().resource(configMap("f8-b", Map.of("app", "f8", "tier", "back"))).create();
    client.configMaps().resource(configMap("f8-other", Map.of("app", "other"))).create();

    assertThat(names(client.configMaps().withLabel("app", "f8").list().getItems())).containsExactly("f8-a", "f8-b");
    assertThat(names(client.configMaps().withLabelIn("tier", "front", "middle").list().getItems()))
        .containsExactly("f8-a");
    assertThat(names(client.configMaps().withLabel("app", "f8").withoutLabel("tier", "back").list().getItems()))
        .containsExactly("f8-a");
    assertThat(names(client.configMaps().withLabelSelector(new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("tier").withOperator("Exists").endMatchExpression().build()).list().getItems()))
        .containsExactly("f8-a", "f8-b");
    assertThat(names(client.configMaps().withField("metadata.name", "f8-b").list().getItems()))
        .containsExactly("f8-b");

    ConfigMap edited = client.configMaps().withName("f8-a").edit(c -> new ConfigMapBuilder(c).addToData("k2", "v2")
        .build());
    assertThat(edited.getData()).containsEntry("k2", "v2");
    client.configMaps().withName("f8-a").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k3\":\"v3\"}}");
    client.configMaps().withName("f8-a").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"metadata\":{\"labels\":{\"patched\":\"yes\"}}}");
    client.configMaps().withName("f8-a").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/data/k\"}]");
    ConfigMap now = client.configMaps().withName("f8-a").get();
    assertThat(now.getData()).containsOnly(Map.entry("k2", "v2"), Map.entry("k3", "v3"));
    assertThat(now.getMetadata().getLabels()).containsEntry("patched", "yes");

    ConfigMap stale = new ConfigMapBuilder(created).addToData("lost", "update").build();
    assertThatThrownBy(() -> client.configMaps().resource(stale).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
        });
    assertThatThrownBy(() -> client.configMaps().resource(configMap("f8-b", Map.of())).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    assertThat(client.configMaps().withName("f8-a").delete()).hasSize(1);
    assertThat(client.configMaps().withName("f8-a").get()).isNull();
    client.configMaps().withLabel("app").delete();
    assertThat(client.configMaps().withLabel("app").list().getItems()).isEmpty();
  }

  @Test
  void deployments_defaultsScaleAndForegroundDeletion() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("f8-web").endMetadata().withNewSpec()
        .withReplicas(1).withNewSelector().addToMatchLabels("app", "f8-web").endSelector().withNewTemplate()
        .withNewMetadata().addToLabels("app", "f8-web").endMetadata().withNewSpec().addNewContainer()
        .withName("web").withImage("nginx:1.27").endContainer().endSpec().endTemplate().endSpec().build();
    Deployment created = client.apps().deployments().resource(d).create();
    assertThat(created.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(created.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(created.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
        .isEqualTo("IfNotPresent");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

    client.apps().deployments().withName("f8-web").scale(3);
    assertThat(client.apps().deployments().withName("f8-web").get().getSpec().getReplicas()).isEqualTo(3);
    assertThat(client.apps().deployments().withName("f8-web").scale().getSpec().getReplicas()).isEqualTo(3);

    client.apps().deployments().withName("f8-web").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    Deployment deleting = client.apps().deployments().withName("f8-web").get();
    assertThat(deleting.getMetadata().getDeletionTimestamp()).isNotEmpty();
    assertThat(deleting.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");
    // what the garbage collector does once the dependents are gone
    client.apps().deployments().withName("f8-web").edit(x -> {
      x.getMetadata().setFinalizers(List.of());
      return x;
    });
    assertThat(client.apps().deployments().withName("f8-web").get()).isNull();
  }

  @Test
  void pods_statusUpdateAndFieldSelectors() {
    Pod created = client.pods().resource(pod("default", "f8-pod")).create();
    assertThat(created.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(created.getStatus().getQosClass()).isEqualTo("BestEffort");
    created.setStatus(new PodStatusBuilder(created.getStatus()).withPhase("Running").withPodIP("10.1.0.5").build());
    Pod running = client.pods().resource(created).updateStatus();
    assertThat(running.getStatus().getPhase()).isEqualTo("Running");
    assertThat(names(client.pods().withField("status.phase", "Running").list().getItems())).contains("f8-pod");
    assertThat(names(client.pods().withoutField("status.phase", "Running").list().getItems()))
        .doesNotContain("f8-pod");
    assertThat(client.pods().withName("f8-pod").delete()).hasSize(1);
  }

  @Test
  void watch_deliversEachChange_andReplaysFromAResourceVersion() throws Exception {
    String from = client.configMaps().withLabel("watch", "f8").list().getMetadata().getResourceVersion();
    List<String> seen = new CopyOnWriteArrayList<>();
    Watcher<ConfigMap> recorder = recorder(seen);
    try (Watch w = client.configMaps().withLabel("watch", "f8").watch(recorder)) {
      client.configMaps().resource(configMap("f8-w", Map.of("watch", "f8"))).create();
      client.configMaps().withName("f8-w").edit(c -> new ConfigMapBuilder(c).addToData("n", "1").build());
      client.configMaps().withName("f8-w").delete();
      Awaitility.await("watch events").atMost(Duration.ofSeconds(15)).until(() -> seen.size() >= 3);
      assertThat(seen).containsExactly("ADDED f8-w", "MODIFIED f8-w", "DELETED f8-w");
    }
    List<String> replayed = new CopyOnWriteArrayList<>();
    try (Watch w = client.configMaps().withLabel("watch", "f8").withResourceVersion(from).watch(recorder(replayed))) {
      Awaitility.await("replayed events").atMost(Duration.ofSeconds(15)).until(() -> replayed.size() >= 3);
      assertThat(replayed).containsExactly("ADDED f8-w", "MODIFIED f8-w", "DELETED f8-w");
    }
  }

  private static Watcher<ConfigMap> recorder(List<String> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        if (action != Action.BOOKMARK) {
          seen.add(action + " " + cm.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // the test closes the watch
      }
    };
  }

  @Test
  void list_pagesWithLimitAndContinue_atOneRevision() {
    for (int i = 0; i < 7; i++) {
      client.configMaps().resource(configMap("f8-page-" + i, Map.of("page", "f8"))).create();
    }
    ConfigMapList first = client.configMaps().withLabel("page", "f8").list(new ListOptionsBuilder().withLimit(3L)
        .build());
    assertThat(first.getItems()).hasSize(3);
    assertThat(first.getMetadata().getContinue()).isNotEmpty();
    // written after the first page: not in the later pages, which are read at the first page's revision
    client.configMaps().resource(configMap("f8-page-late", Map.of("page", "f8"))).create();
    List<String> all = new ArrayList<>(names(first.getItems()));
    String next = first.getMetadata().getContinue();
    while (next != null && !next.isEmpty()) {
      ConfigMapList page = client.configMaps().withLabel("page", "f8").list(new ListOptionsBuilder().withLimit(3L)
          .withContinue(next).build());
      assertThat(page.getMetadata().getResourceVersion()).isEqualTo(first.getMetadata().getResourceVersion());
      all.addAll(names(page.getItems()));
      next = page.getMetadata().getContinue();
    }
    assertThat(all).containsExactlyInAnyOrder("f8-page-0", "f8-page-1", "f8-page-2", "f8-page-3", "f8-page-4",
        "f8-page-5", "f8-page-6");
    assertThat(client.configMaps().withLabel("page", "f8").list().getItems()).hasSize(8);
    client.configMaps().withLabel("page", "f8").delete();
  }

  @Test
  void informer_followsChangesResyncsAndRelistsAfterGone() throws Exception {
    String ns = "f8-informer";
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    Awaitility.await("service account in " + ns).atMost(Duration.ofSeconds(30))
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicInteger resyncs = new AtomicInteger();
    SharedIndexInformer<Pod> informer = client.pods().inNamespace(ns).withLimit(1L).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod p) {
            events.add("add " + p.getMetadata().getName());
          }

          @Override
          public void onUpdate(Pod old, Pod now) {
            if (old.getMetadata().getResourceVersion().equals(now.getMetadata().getResourceVersion())) {
              resyncs.incrementAndGet();
            } else {
              events.add("update " + now.getMetadata().getName());
            }
          }

          @Override
          public void onDelete(Pod p, boolean finalStateUnknown) {
            events.add("delete " + p.getMetadata().getName());
          }
        }, 1000L);
    try {
      Awaitility.await("informer synced").atMost(Duration.ofSeconds(15)).until(informer::hasSynced);
      client.pods().resource(pod(ns, "a")).create();
      client.pods().resource(pod(ns, "b")).create();
      client.pods().inNamespace(ns).withName("a").edit(p -> new PodBuilder(p).editMetadata()
          .addToLabels("edited", "yes").endMetadata().build());
      client.pods().inNamespace(ns).withName("b").delete();
      Awaitility.await("informer events").atMost(Duration.ofSeconds(15))
          .until(() -> events.containsAll(List.of("add a", "add b", "update a", "delete b")));
      assertThat(names(informer.getStore().list())).containsExactly("a");
      assertThat(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)).hasSize(1);
      assertThat(informer.getStore().getByKey(ns + "/a").getMetadata().getLabels()).containsEntry("edited", "yes");
      Awaitility.await("a resync").atMost(Duration.ofSeconds(10)).until(() -> resyncs.get() > 0);

      // the informer's watch ends with the apiserver; meanwhile another apiserver changes the pods and the
      // store is compacted past the informer's resourceVersion: its new watch gets 410 Gone and it relists
      String before = informer.lastSyncResourceVersion();
      api.stopServer();
      var peer = api.startPeer("peer", "127.0.2.7");
      try (KubernetesClient other = client("https://127.0.2.7:" + peer.start().getPort())) {
        other.pods().inNamespace(ns).withName("a").delete();
        other.pods().resource(pod(ns, "c")).create();
        api.etcd.compact(api.etcd.revision());
      } finally {
        peer.close();
      }
      events.clear();
      api.restart();
      Awaitility.await("relisted after 410").atMost(Duration.ofSeconds(30))
          .until(() -> events.containsAll(List.of("delete a", "add c")));
      assertThat(names(informer.getStore().list())).containsExactly("c");
      assertThat(Long.parseLong(informer.lastSyncResourceVersion())).isGreaterThan(Long.parseLong(before));
      // its new watch is open once the apiserver has registered it with the watch cache (the response head waits)
      Awaitility.await("watching again").atMost(Duration.ofSeconds(30)).until(informer::isWatching);
    } finally {
      informer.stop();
    }
  }
}
