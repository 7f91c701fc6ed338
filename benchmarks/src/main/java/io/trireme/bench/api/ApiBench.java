package io.trireme.bench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trireme.bench.Latencies;
import io.trireme.bench.Metric;
import io.trireme.bench.MetricLog;
import io.trireme.bench.PhaseResult;
import io.trireme.node.cluster.AdminKubeconfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The apiserver benchmark (one apiserver, the admin.conf identity): mutating calls and single-object GETs at a
 * steady open-loop rate, LIST of many pods (from the store, from the watch cache, in pages of 500), and watch
 * delivery to many watchers. Prints a table and appends the metrics as JSON lines for CompareResults.
 *
 * <p>usage: {@code ApiBench --kubeconfig F [--server URL] [--system NAME] [--out FILE] [--rate 200]
 * [--duration 30] [--warmup 10] [--pods 10000] [--watchers 1000] [--watch-clients 1] [--watch-events 200]
 * [--watch-rate 20]
 * [--phases mutate,get,list,watch] [--setup-seconds 300]}: setup loops (objects to delete, pods) stop starting calls
 * after {@code --setup-seconds}; the LIST phases list the pods that were created (metric {@code pods-listed}). The
 * watchers can be spread over {@code --watch-clients} HTTP clients (a JDK client decrypts all its connections on one
 * selector thread). On a 2-core machine shared with the servers, 10 clients made delivery slower, not faster (p50
 * 10.9 s against 2.0 s with one client, 1,000 watchers, warm Trireme), probably because the client threads
 * take CPU the apiserver needs to encrypt 20,000 event writes a second.
 */
public final class ApiBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int POOL = 100;
  private static final int LIST_REPEATS = 5;

  private final Api api;
  private final Map<String, String> opt;
  private final String ns;
  private final List<PhaseResult> results = new ArrayList<>();
  private final List<Metric> extra = new ArrayList<>();
  /** The clients the watchers use, round robin (the first is {@link #api}). */
  private final List<Api> watchApis = new ArrayList<>();

  private ApiBench(Api api, Map<String, String> opt) {
    this.api = api;
    this.watchApis.add(api);
    this.opt = opt;
    this.ns = "bench-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  }

  private int num(String name) {
    return Integer.parseInt(opt.get(name));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.ofEntries(Map.entry("rate", "200"), Map.entry("duration", "30"),
        Map.entry("warmup", "10"), Map.entry("pods", "10000"), Map.entry("watchers", "1000"),
        Map.entry("watch-clients", "1"), Map.entry("watch-events", "200"), Map.entry("watch-rate", "20"),
        Map.entry("phases", "mutate,get,list,watch"), Map.entry("system", "trireme"), Map.entry("setup-seconds", "300")));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got " + args[i]);
      }
      opt.put(args[i].substring(2), args[i + 1]);
    }
    if (!opt.containsKey("kubeconfig")) {
      System.err.println("usage: ApiBench --kubeconfig F [--server URL] [--system NAME] [--out FILE] ...");
      System.exit(2);
    }
    AdminKubeconfig.Client c = AdminKubeconfig.read(Path.of(opt.get("kubeconfig")), Duration.ofSeconds(10));
    String server = opt.getOrDefault("server", c.server());
    ApiBench b = new ApiBench(new Api(server, c.http()), opt);
    for (int i = 1; i < b.num("watch-clients"); i++) {
      b.watchApis.add(new Api(server,
          AdminKubeconfig.read(Path.of(opt.get("kubeconfig")), Duration.ofSeconds(10)).http()));
    }
    b.run(Set.of(opt.get("phases").split(",")));
    System.exit(0);
  }

  private void run(Set<String> phases) throws Exception {
    awaitReady();
    api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}").get(30, TimeUnit.SECONDS);
    System.err.printf("api-bench: %s, namespace %s%n", api.server(), ns);
    awaitDefaultServiceAccount();
    String cms = "/api/v1/namespaces/" + ns + "/configmaps";
    int rate = num("rate");
    int duration = num("duration");
    int warmup = num("warmup");
    if (phases.contains("mutate") || phases.contains("get")) {
      closedLoop(POOL, 16, i -> api.post(cms, configMap("pool-" + i)));
    }
    if (phases.contains("mutate")) {
      int deletes = closedLoop(rate * (warmup + duration) / 3 + 1, 16, i -> api.post(cms, configMap("del-" + i)));
      Latencies lat = new Latencies();
      for (int pass = 0; pass < 2; pass++) {
        Latencies into = pass == 0 ? null : lat;
        int first = pass == 0 ? 0 : rate * warmup;
        long t0 = System.nanoTime();
        OpenLoop.run(rate, pass == 0 ? warmup : duration, first, i -> switch (i % 3) {
          case 0 -> api.post(cms, configMap("new-" + i));
          case 1 -> api.call("PATCH", cms + "/pool-" + (i % POOL), "application/merge-patch+json",
              "{\"data\":{\"v\":\"" + i + "\"}}");
          default -> i / 3 < deletes ? api.call("DELETE", cms + "/del-" + (i / 3), null, null)
              : api.call("PATCH", cms + "/pool-" + (i % POOL), "application/merge-patch+json", "{}");
        }, into);
        if (into != null) {
          results.add(lat.summarise("mutate-" + rate + "/s", 0, System.nanoTime() - t0));
        }
      }
    }
    if (phases.contains("get")) {
      Latencies lat = new Latencies();
      OpenLoop.run(rate, warmup, 0, i -> api.get(cms + "/pool-" + ThreadLocalRandom.current().nextInt(POOL)),
          null);
      long t0 = System.nanoTime();
      OpenLoop.run(rate, duration, 0, i -> api.get(cms + "/pool-" + ThreadLocalRandom.current().nextInt(POOL)),
          lat);
      results.add(lat.summarise("get-" + rate + "/s", 0, System.nanoTime() - t0));
    }
    if (phases.contains("list")) {
      list(num("pods"));
    }
    if (phases.contains("watch")) {
      WatchFanout.Outcome o = new WatchFanout(api, watchApis, ns, ns).run(num("watchers"), num("watch-events"),
          num("watch-rate"), currentRevision(cms));
      String phase = "watch-" + num("watchers");
      results.add(o.delivery().summarise(phase, num("watchers"), (long) (o.seconds() * 1e9)));
      extra.add(new Metric(phase, "delivery-p50", o.delivery().percentileMillis(50), "ms", Metric.Better.LOWER));
      extra.add(new Metric(phase, "delivery-p99", o.delivery().percentileMillis(99), "ms", Metric.Better.LOWER));
      extra.add(new Metric(phase, "events-missing", o.missing(), "count", Metric.Better.LOWER));
    }
    report();
  }

  /**
   * Waits (at most 5 min) until the server answers {@code /readyz}: a freshly started JVM on a loaded machine can
   * take longer than the connect timeout for its first TLS handshakes.
   */
  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      try {
        api.get("/readyz").get(60, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        System.err.println("api-bench: not ready yet: " + e.getCause());
        Thread.sleep(1000);
      }
    }
  }

  /** Pods need the namespace's default ServiceAccount, which the apiserver creates shortly after it. */
  private void awaitDefaultServiceAccount() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        api.get("/api/v1/namespaces/" + ns + "/serviceaccounts/default").get(30, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private String currentRevision(String collection) throws Exception {
    return JSON.readTree(api.get(collection + "?limit=1").get(30, TimeUnit.SECONDS)).path("metadata")
        .path("resourceVersion").asText();
  }

  private void list(int pods) throws Exception {
    String path = "/api/v1/namespaces/" + ns + "/pods";
    long t0 = System.nanoTime();
    int created = closedLoop(pods, 32, i -> api.post(path, pod(i)));
    System.err.printf(Locale.ROOT, "api-bench: created %d of %d pods in %.1f s%n", created, pods,
        (System.nanoTime() - t0) / 1e9);
    extra.add(new Metric("list-pods", "pods-listed", created, "count", Metric.Better.HIGHER));
    for (String[] variant : new String[][] {{"list-pods", ""}, {"list-pods-rv0", "?resourceVersion=0"},
        {"list-pods-paged-500", "?limit=500"}}) {
      Latencies lat = new Latencies();
      long start = System.nanoTime();
      for (int r = 0; r < LIST_REPEATS; r++) {
        long s = System.nanoTime();
        int items = 0;
        String cont = "";
        try {
          do {
            String q = variant[1] + (cont.isEmpty() ? "" : "&continue=" + cont);
            JsonNode list = JSON.readTree(api.get(path + q).get(60, TimeUnit.SECONDS));
            items += list.path("items").size();
            cont = list.path("metadata").path("continue").asText("");
          } while (!cont.isEmpty());
          if (items != created) {
            throw new IllegalStateException("listed " + items + " pods, expected " + created);
          }
          lat.recordNanos(System.nanoTime() - s);
        } catch (Exception e) {
          lat.recordError(e);
          System.err.println("api-bench: " + variant[0] + ": " + e);
        }
      }
      results.add(lat.summarise(variant[0], 1, System.nanoTime() - start));
    }
  }

  /**
   * Runs up to {@code count} calls, at most {@code parallel} at a time, starting none after {@code --setup-seconds};
   * returns how many succeeded.
   */
  private int closedLoop(int count, int parallel, java.util.function.IntFunction<CompletableFuture<?>> op)
      throws InterruptedException {
    Semaphore slots = new Semaphore(parallel);
    int[] failed = {0};
    java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(num("setup-seconds"));
    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
      slots.acquire();
      op.apply(i).whenComplete((v, err) -> {
        if (err == null) {
          ok.incrementAndGet();
        } else {
          synchronized (failed) {
            if (failed[0]++ < 3) {
              System.err.println("api-bench: setup call failed: " + err);
            }
          }
        }
        slots.release();
      });
    }
    slots.acquire(parallel);
    return ok.get();
  }

  private static String configMap(String name) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"v\":\"0\"}}";
  }

  private static String pod(int i) {
    return "{\"metadata\":{\"name\":\"pod-" + i + "\",\"labels\":{\"app\":\"bench\",\"shard\":\"" + (i % 10)
        + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry.k8s.io/pause:3.9\","
        + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}";
  }

  private void report() {
    System.out.println("| phase | calls | errors | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (PhaseResult r : results) {
      System.out.printf(Locale.ROOT, "| %s | %d | %d%s | %.1f | %.1f | %.1f |%n", r.phase(), r.ops(), r.errors(),
          r.errorKinds().isEmpty() ? "" : " (" + r.errorKinds() + ")", r.p50Ms(), r.p99Ms(), r.maxMs());
    }
    for (Metric m : extra) {
      if (m.name().equals("events-missing")) {
        System.out.printf(Locale.ROOT, "%s: %.0f (watcher, event) pairs missing%n", m.phase(), m.value());
      }
    }
    extra.stream().filter(m -> m.name().equals("pods-listed")).forEach(m -> System.out.printf(Locale.ROOT,
        "pods listed: %.0f%n", m.value()));
    if (opt.containsKey("out")) {
      List<Metric> all = new ArrayList<>();
      results.forEach(r -> all.addAll(r.metrics()));
      all.addAll(extra);
      MetricLog.append(Path.of(opt.get("out")), opt.get("system"), 1, all);
    }
  }
}
