package io.trireme.bench.api;

import io.trireme.bench.Latencies;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch delivery to many watchers: {@code watchers} watches of ConfigMaps labelled {@code fanout=<run>} in one
 * namespace, then {@code events} such ConfigMaps created at {@code rate}/s, each carrying its send time
 * ({@code System.nanoTime()} of this JVM); delivery = arrival at a watcher − send time.
 */
final class WatchFanout {
  private final Api api;
  private final String namespace;
  private final String label;
  private final Latencies delivery = new Latencies();
  private final AtomicInteger subscribed = new AtomicInteger();
  private final AtomicLong received = new AtomicLong();
  private final AtomicInteger markers = new AtomicInteger();
  private final List<CompletableFuture<?>> streams = new ArrayList<>();
  /** Watch requests that failed before or while streaming, by kind of failure (printed when a wait gives up). */
  private final ConcurrentHashMap<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  private final List<Api> watchApis;

  /** {@code api} makes the objects; the watchers use {@code watchApis} round robin. */
  WatchFanout(Api api, List<Api> watchApis, String namespace, String label) {
    this.api = api;
    this.watchApis = List.copyOf(watchApis);
    this.namespace = namespace;
    this.label = label;
  }

  /** The outcome: delivery latencies and how many (watcher, event) pairs never arrived. */
  record Outcome(Latencies delivery, long missing, double seconds) {}

  Outcome run(int watchers, int events, int rate, String resourceVersion) throws Exception {
    String path = "/api/v1/namespaces/" + namespace + "/configmaps?watch=true&labelSelector=fanout%3D" + label
        + "&resourceVersion=" + resourceVersion + "&timeoutSeconds=600";
    for (int i = 0; i < watchers; i++) {
      Api watchApi = watchApis.get(i % watchApis.size());
      HttpRequest req = HttpRequest.newBuilder(URI.create(watchApi.server() + path)).GET().build();
      streams.add(watchApi.http().sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(new Watcher()))
          .whenComplete((r, err) -> {
            if (err != null) {
              failed(err);
            } else if (r.statusCode() != 200) {
              failed(new IllegalStateException("HTTP " + r.statusCode()));
            }
          }));
    }
    await(() -> subscribed.get() >= watchers, 120, "all " + watchers + " watches answered");
    // every watch is registered once it has seen a marker object
    api.post("/api/v1/namespaces/" + namespace + "/configmaps", configMap("marker", "0")).get(30, TimeUnit.SECONDS);
    await(() -> markers.get() >= watchers, 60, "the marker reached all " + watchers + " watches");
    long start = System.nanoTime();
    OpenLoop.run(rate, Math.max(1, events / rate), 0, i -> api.post("/api/v1/namespaces/" + namespace
        + "/configmaps", configMap("e-" + i, Long.toString(System.nanoTime()))), null);
    long expected = (long) watchers * (events / rate) * rate;
    await(() -> received.get() >= expected, 60, "every event at every watch");
    double seconds = (System.nanoTime() - start) / 1e9;
    streams.forEach(s -> s.cancel(true));
    return new Outcome(delivery, Math.max(0, expected - received.get()), seconds);
  }

  private String configMap(String name, String sent) {
    return "{\"metadata\":{\"name\":\"" + label + "-" + name + "\",\"labels\":{\"fanout\":\"" + label
        + "\"}},\"data\":{\"sent\":\"" + sent + "\"}}";
  }

  private void failed(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    failures.computeIfAbsent(t.getClass().getSimpleName() + ": " + t.getMessage(), k -> new AtomicInteger())
        .incrementAndGet();
  }

  private void await(java.util.function.BooleanSupplier done, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        System.err.println("api-bench: gave up waiting for " + what + " after " + seconds + " s; "
            + subscribed.get() + " watches answered, failed watch requests: "
            + (failures.isEmpty() ? "none" : failures));
        return;
      }
      Thread.sleep(20);
    }
  }

  /** One watch: reads event lines, finds the send time without parsing the whole JSON. */
  private final class Watcher implements Flow.Subscriber<String> {
    private static final String SENT = "\"sent\":\"";

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscribed.incrementAndGet();
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      long now = System.nanoTime();
      int at = line.indexOf(SENT);
      if (at < 0 || !line.contains("\"type\":\"ADDED\"")) {
        return;
      }
      int from = at + SENT.length();
      long sent = Long.parseLong(line.substring(from, line.indexOf('"', from)));
      if (sent == 0) {
        markers.incrementAndGet();
        return;
      }
      delivery.recordNanos(now - sent);
      received.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
      // a cancelled stream at the end, or a failed watch, which shows as missing events
    }

    @Override
    public void onComplete() {
    }
  }
}
