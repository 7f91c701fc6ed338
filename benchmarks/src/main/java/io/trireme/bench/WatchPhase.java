package io.trireme.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch delivery latency. One watcher per endpoint watches the prefix {@code /bench/watch/}; puts are
 * sent open-loop at a fixed rate (round-robin over the endpoints, at most {@value #MAX_IN_FLIGHT} in
 * flight) with the send time ({@link System#nanoTime()}) stamped in the first 8 bytes of the value.
 * <b>Delivery latency = time the event arrives at a watcher − time its put was sent</b> (same JVM,
 * same clock), pooled over all watchers. The phase also checks that every watcher sees every
 * acknowledged put exactly once, in revision order.
 */
final class WatchPhase {
  private static final Logger LOG = LoggerFactory.getLogger(WatchPhase.class);
  static final int MAX_IN_FLIGHT = 1000;
  private static final String PREFIX = "/bench/watch/";
  private static final int KEYS = 1000;

  private final EtcdChannels channels;
  private final ScheduledExecutorService timer;
  private final int valueSize;

  WatchPhase(EtcdChannels channels, ScheduledExecutorService timer, int valueSize) {
    this.channels = channels;
    this.timer = timer;
    this.valueSize = valueSize;
  }

  List<Metric> run(int rate, Duration duration, long maxOps) throws InterruptedException {
    List<Watcher> watchers = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      watchers.add(new Watcher(i));
    }
    Latencies delivery = new Latencies();
    watchers.forEach(w -> w.delivery = delivery);
    for (Watcher w : watchers) {
      w.awaitCreated();
    }

    Latencies acks = new Latencies();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    AtomicLong issued = new AtomicLong();
    AtomicLong skipped = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    byte[] filler = PutLoad.randomValue(valueSize, 11).toByteArray();
    CountDownLatch stopped = new CountDownLatch(1);
    ScheduledFuture<?> pacer = timer.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if (now >= end || issued.get() >= maxOps) {
        stopped.countDown();
        return;
      }
      long due = Math.min(maxOps, (now - start) * rate / 1_000_000_000L);
      while (issued.get() < due) {
        long n = issued.getAndIncrement();
        if (!inFlight.tryAcquire()) {
          skipped.incrementAndGet();
          continue;
        }
        long sent = System.nanoTime();
        ByteBuffer value = ByteBuffer.wrap(filler.clone());
        value.putLong(0, sent);
        channels.kv((int) n)
            .withDeadlineAfter(PutLoad.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .put(PutRequest.newBuilder().setKey(PutLoad.key(PREFIX + (n % KEYS)))
                .setValue(ByteString.copyFrom(value.array())).build(),
                ClosedLoop.observer(new ClosedLoop.Completion() {
                  @Override
                  public void succeeded() {
                    acks.recordNanos(System.nanoTime() - sent);
                    inFlight.release();
                  }

                  @Override
                  public void failed(Throwable cause) {
                    acks.recordError(cause);
                    inFlight.release();
                  }
                }, r -> true));
      }
    }, 0, 1, TimeUnit.MILLISECONDS);
    stopped.await(duration.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    pacer.cancel(false);
    if (!inFlight.tryAcquire(MAX_IN_FLIGHT, PutLoad.CALL_DEADLINE_SECONDS + 5, TimeUnit.SECONDS)) {
      throw new IllegalStateException("watch phase: puts still in flight after their deadline");
    }
    long elapsed = System.nanoTime() - start;
    long acked = acks.count();
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Watcher w : watchers) {
      w.awaitEvents(acked, waitUntil);
      w.cancel();
    }

    long received = watchers.stream().mapToLong(w -> w.events.get()).sum();
    long expected = acked * watchers.size();
    long outOfOrder = watchers.stream().mapToLong(w -> w.outOfOrder.get()).sum();
    PhaseResult deliveryResult = delivery.summarise("watch", watchers.size(), elapsed);
    PhaseResult ackResult = acks.summarise("watch-put", 1, elapsed);
    if (ackResult.errors() > 0 || skipped.get() > 0) {
      LOG.warn("watch phase: {} puts failed ({}), {} not sent ({} already in flight)", ackResult.errors(),
          ackResult.errorKinds(), skipped.get(), MAX_IN_FLIGHT);
    }
    return List.of(
        new Metric("watch", "delivery-p50", deliveryResult.p50Ms(), "ms", Metric.Better.LOWER),
        new Metric("watch", "delivery-p99", deliveryResult.p99Ms(), "ms", Metric.Better.LOWER),
        new Metric("watch", "delivery-p999", deliveryResult.p999Ms(), "ms", Metric.Better.LOWER),
        new Metric("watch", "delivery-max", deliveryResult.maxMs(), "ms", Metric.Better.LOWER),
        new Metric("watch", "put-p50", ackResult.p50Ms(), "ms", Metric.Better.LOWER),
        new Metric("watch", "put-p99", ackResult.p99Ms(), "ms", Metric.Better.LOWER),
        new Metric("watch", "put-rate", ackResult.opsPerSec(), "ops/s", Metric.Better.HIGHER),
        new Metric("watch", "put-errors", ackResult.errors(), "count", Metric.Better.LOWER),
        new Metric("watch", "puts-not-sent", skipped.get(), "count", Metric.Better.LOWER),
        new Metric("watch", "events-missing", Math.max(0, expected - received), "count",
            Metric.Better.LOWER),
        new Metric("watch", "events-extra", Math.max(0, received - expected), "count", Metric.Better.LOWER),
        new Metric("watch", "events-out-of-order", outOfOrder, "count", Metric.Better.LOWER));
  }

  /** A watcher on the prefix through one endpoint. */
  private final class Watcher implements StreamObserver<WatchResponse> {
    final AtomicLong events = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    volatile Latencies delivery;
    private final int endpoint;
    private final CountDownLatch created = new CountDownLatch(1);
    private final StreamObserver<WatchRequest> requests;
    private volatile Throwable error;
    private long lastRevision;

    Watcher(int endpoint) {
      this.endpoint = endpoint;
      this.requests = channels.watch(endpoint).watch(this);
      ByteString key = PutLoad.key(PREFIX);
      ByteString end = PutLoad.key(PREFIX.substring(0, PREFIX.length() - 1) + (char) ('/' + 1));
      requests.onNext(WatchRequest.newBuilder()
          .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(end))
          .build());
    }

    void awaitCreated() throws InterruptedException {
      if (!created.await(10, TimeUnit.SECONDS) || error != null) {
        throw new IllegalStateException("watch on " + channels.endpoint(endpoint) + " was not created: "
            + error);
      }
    }

    void awaitEvents(long expected, long untilNanos) throws InterruptedException {
      while (events.get() < expected && System.nanoTime() < untilNanos && error == null) {
        synchronized (this) {
          wait(10);
        }
      }
    }

    void cancel() {
      requests.onCompleted();
    }

    @Override
    public void onNext(WatchResponse response) {
      long now = System.nanoTime();
      if (response.getCreated()) {
        created.countDown();
      }
      synchronized (this) {
        for (Event e : response.getEventsList()) {
          if (e.getType() != Event.EventType.PUT || e.getKv().getValue().size() < Long.BYTES) {
            continue;
          }
          long sent = e.getKv().getValue().asReadOnlyByteBuffer().getLong(0);
          delivery.recordNanos(now - sent);
          if (e.getKv().getModRevision() <= lastRevision) {
            outOfOrder.incrementAndGet();
          }
          lastRevision = e.getKv().getModRevision();
          events.incrementAndGet();
        }
        notifyAll();
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      created.countDown();
    }

    @Override
    public void onCompleted() {
      created.countDown();
    }
  }
}
