package io.trireme.node.probe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client loop against one URL, as an operator's script or a controller would poll: one GET at a time, a
 * fixed pause between requests, each outcome recorded with its time. Used to measure what a client sees
 * while the VIP moves (outage = from the first failed request to the next successful one). Bounded in time
 * and in count.
 */
public final class RequestLoop implements Runnable {
  /** One request: when it started (nanoTime), how long it took, and whether it answered 200. */
  public record Sample(long startNanos, long tookNanos, boolean ok, String failure) {}

  /** A run of failed requests: from the start of the first to the start of the next successful request. */
  public record Outage(long fromNanos, long toNanos, int failures) {
    public Duration length() {
      return Duration.ofNanos(toNanos - fromNanos);
    }
  }

  private final HttpClient http;
  private final URI uri;
  private final Duration pause;
  private final Duration requestTimeout;
  private final Duration maxRun;
  private final int maxRequests;
  private final List<Sample> samples = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  public RequestLoop(HttpClient http, URI uri, Duration pause, Duration requestTimeout, Duration maxRun,
      int maxRequests) {
    this.http = http;
    this.uri = uri;
    this.pause = pause;
    this.requestTimeout = requestTimeout;
    this.maxRun = maxRun;
    this.maxRequests = maxRequests;
  }

  @Override
  public void run() {
    long end = System.nanoTime() + maxRun.toNanos();
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
    for (int i = 0; i < maxRequests && !stop.get() && System.nanoTime() < end; i++) {
      long t0 = System.nanoTime();
      Sample s;
      // the request timeout ends at the response head: the whole exchange, body included, is bounded here too
      java.util.concurrent.CompletableFuture<HttpResponse<String>> call =
          http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
      try {
        HttpResponse<String> r = call.get(requestTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        s = new Sample(t0, System.nanoTime() - t0, r.statusCode() == 200,
            r.statusCode() == 200 ? null : "HTTP " + r.statusCode());
      } catch (java.util.concurrent.ExecutionException e) {
        s = new Sample(t0, System.nanoTime() - t0, false, String.valueOf(e.getCause()));
      } catch (java.util.concurrent.TimeoutException e) {
        call.cancel(true);
        s = new Sample(t0, System.nanoTime() - t0, false, "no complete answer within " + requestTimeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        call.cancel(true);
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (samples) {
        samples.add(s);
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Ends the loop after the request in flight. */
  public void stop() {
    stop.set(true);
  }

  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Samples that started at or after {@code fromNanos}. */
  public List<Sample> samplesSince(long fromNanos) {
    return samples().stream().filter(s -> s.startNanos() >= fromNanos).toList();
  }

  /**
   * The outages that began at or after {@code fromNanos}; an outage still running at the end reaches to the end
   * of the last sample.
   */
  public List<Outage> outagesSince(long fromNanos) {
    List<Outage> out = new ArrayList<>();
    long start = -1;
    int failures = 0;
    Sample last = null;
    for (Sample s : samplesSince(fromNanos)) {
      last = s;
      if (!s.ok()) {
        if (start < 0) start = s.startNanos();
        failures++;
      } else if (start >= 0) {
        out.add(new Outage(start, s.startNanos(), failures));
        start = -1;
        failures = 0;
      }
    }
    if (start >= 0) out.add(new Outage(start, last.startNanos() + last.tookNanos(), failures));
    return out;
  }

  /**
   * What the failed requests that started at or after {@code fromNanos} saw, most frequent first:
   * "3x HTTP 500, 1x java.net.ConnectException" (each kind cut at 80 characters); empty when none failed.
   */
  public String failureKindsSince(long fromNanos) {
    java.util.Map<String, Long> kinds = samplesSince(fromNanos).stream().filter(s -> !s.ok())
        .collect(java.util.stream.Collectors.groupingBy(
            s -> s.failure().length() > 80 ? s.failure().substring(0, 80) : s.failure(),
            java.util.stream.Collectors.counting()));
    return kinds.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getValue() + "x " + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
  }

  /** Whether a request that started at or after {@code fromNanos} succeeded. */
  public boolean succeededSince(long fromNanos) {
    return samplesSince(fromNanos).stream().anyMatch(Sample::ok);
  }
}
