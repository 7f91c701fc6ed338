package io.trireme.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-key ranges of random keys out of {@code /bench/range/<0..keys-1>}, linearizable or
 * serializable. A response that does not hold exactly the one key (with its full value) is an error.
 */
final class RangeLoad implements ClosedLoop.ClientOp {
  private static final Logger LOG = LoggerFactory.getLogger(RangeLoad.class);
  private static final String PREFIX = "/bench/range/";

  private final EtcdChannels channels;
  private final int keys;
  private final int valueSize;
  private final boolean serializable;

  RangeLoad(EtcdChannels channels, int keys, int valueSize, boolean serializable) {
    this.channels = channels;
    this.keys = keys;
    this.valueSize = valueSize;
    this.serializable = serializable;
  }

  /**
   * Writes the keys the ranges read: at most 16 puts in flight, one per key; keys whose put failed are
   * written again (up to 5 rounds), so a store that times out a few writes still gets measured.
   */
  static void prefill(EtcdChannels channels, int keys, int valueSize) throws InterruptedException {
    ByteString value = PutLoad.randomValue(valueSize, 7);
    List<Integer> todo = new ArrayList<>();
    for (int n = 0; n < keys; n++) {
      todo.add(n);
    }
    Throwable firstError = null;
    for (int round = 1; round <= 5 && !todo.isEmpty(); round++) {
      Queue<Integer> failed = new ConcurrentLinkedQueue<>();
      AtomicReference<Throwable> error = new AtomicReference<>();
      int window = 16;
      Semaphore inFlight = new Semaphore(window);
      for (int n : todo) {
        inFlight.acquire();
        channels.kv(n)
            .withDeadlineAfter(PutLoad.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .put(PutRequest.newBuilder().setKey(PutLoad.key(PREFIX + n)).setValue(value).build(),
                ClosedLoop.observer(new ClosedLoop.Completion() {
                  @Override
                  public void succeeded() {
                    inFlight.release();
                  }

                  @Override
                  public void failed(Throwable cause) {
                    failed.add(n);
                    error.compareAndSet(null, cause);
                    inFlight.release();
                  }
                }, p -> true));
      }
      if (!inFlight.tryAcquire(window, PutLoad.CALL_DEADLINE_SECONDS + 5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("prefill of the range keys did not finish");
      }
      if (!failed.isEmpty()) {
        LOG.warn("prefill round {}: {} of {} puts failed ({}); writing them again", round, failed.size(),
            todo.size(), error.get().toString());
        firstError = firstError == null ? error.get() : firstError;
      }
      todo = new ArrayList<>(failed);
    }
    if (!todo.isEmpty()) {
      throw new IllegalStateException("prefill: " + todo.size() + " of " + keys
          + " range keys could not be written in 5 rounds; first error: " + firstError);
    }
  }

  @Override
  public void issue(int client, long seq, ClosedLoop.Completion done) {
    RangeRequest request = RangeRequest.newBuilder()
        .setKey(PutLoad.key(PREFIX + ThreadLocalRandom.current().nextInt(keys)))
        .setSerializable(serializable)
        .build();
    channels.kv(client)
        .withDeadlineAfter(PutLoad.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .range(request, ClosedLoop.observer(done,
            r -> r.getKvsCount() == 1 && r.getKvs(0).getValue().size() == valueSize));
  }
}
