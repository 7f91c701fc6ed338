package io.trireme.store.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Group commit of one member's writes: at most {@code maxInFlight} Raft commands of this member are under way at a
 * time; writes that arrive meanwhile wait and go together, as one {@link Op#BATCH} log entry, when one of them
 * completes. A write that finds a free slot goes at once and alone, so a lone client waits for nothing, while
 * concurrent clients share one append, one replication round trip per follower and one forwarding call instead
 * of paying each of them per write (measured: ~7 entries per fsync on the leader and a few ms of CPU per write
 * across the group with one entry per write). Each write of a batch is still applied on its own, in order, with
 * its own revision and its own reply; the batch commits or fails as a whole, and a forwarded batch is one Ratis
 * call, so the retry cache never applies part of it twice.
 */
final class WriteBatcher {
  /** A write waiting for its turn: its command bytes and where its reply goes. */
  record Pending(byte[] command, CompletableFuture<byte[]> reply) { }

  private final int maxInFlight;
  private final int maxBatchBytes;
  /** Sends one command (a single write or a batch) and completes with its reply bytes. */
  private final Function<byte[], CompletableFuture<byte[]>> sender;
  /** Sends the batches that wait for a completion: not on the thread that completed (Ratis' apply thread). */
  private final Executor later;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int inFlight;

  WriteBatcher(int maxInFlight, int maxBatchBytes, Function<byte[], CompletableFuture<byte[]>> sender,
      Executor later) {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be >= 1");
    this.maxInFlight = maxInFlight;
    this.maxBatchBytes = maxBatchBytes;
    this.sender = sender;
    this.later = later;
  }

  /** Queues one write (an op byte + request); completes with its own reply bytes. */
  CompletableFuture<byte[]> submit(byte[] command) {
    return submitAll(List.of(command)).get(0);
  }

  /**
   * Queues several writes at once (a batch another member forwarded), so that they go out together with the
   * writes already waiting rather than the first of them alone; each completes with its own reply bytes.
   */
  List<CompletableFuture<byte[]>> submitAll(List<byte[]> commands) {
    List<CompletableFuture<byte[]>> replies = new ArrayList<>(commands.size());
    List<Pending> batch;
    synchronized (this) {
      for (byte[] c : commands) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        waiting.add(new Pending(c, reply));
        replies.add(reply);
      }
      batch = takeBatch();
    }
    if (batch != null) send(batch);
    return replies;
  }

  /** The next batch if a slot is free and writes wait (the slot is then taken), else null. */
  private List<Pending> takeBatch() {
    if (inFlight >= maxInFlight || waiting.isEmpty()) return null;
    List<Pending> batch = new ArrayList<>();
    int bytes = 0;
    while (!waiting.isEmpty()
        && (batch.isEmpty() || bytes + waiting.peek().command().length + 4 <= maxBatchBytes)) {
      Pending p = waiting.poll();
      bytes += p.command().length + 4;
      batch.add(p);
    }
    inFlight++;
    return batch;
  }

  private void send(List<Pending> batch) {
    CompletableFuture<byte[]> sent;
    try {
      sent = batch.size() == 1 ? sender.apply(batch.get(0).command())
          : sender.apply(Codec.batch(batch.stream().map(Pending::command).toList()));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((bytes, err) -> {
      // the next batch goes first: the replies below run client callbacks
      List<Pending> next;
      synchronized (this) {
        inFlight--;
        next = takeBatch();
      }
      if (next != null) sendLater(next);
      deliver(batch, bytes, err);
    });
  }

  private void sendLater(List<Pending> batch) {
    try {
      later.execute(() -> send(batch));
    } catch (java.util.concurrent.RejectedExecutionException e) { // shutting down
      synchronized (this) {
        inFlight--;
      }
      for (Pending p : batch) p.reply().completeExceptionally(e);
    }
  }

  private static void deliver(List<Pending> batch, byte[] bytes, Throwable err) {
    if (err != null) {
      for (Pending p : batch) p.reply().completeExceptionally(err);
      return;
    }
    if (batch.size() == 1) {
      batch.get(0).reply().complete(bytes);
      return;
    }
    List<byte[]> replies;
    try {
      replies = Codec.unbatch(bytes, 0);
    } catch (RuntimeException e) {
      for (Pending p : batch) p.reply().completeExceptionally(e);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (i < replies.size()) {
        batch.get(i).reply().complete(replies.get(i));
      } else {
        batch.get(i).reply().completeExceptionally(new IllegalStateException(
            "batch reply has " + replies.size() + " parts for " + batch.size() + " writes"));
      }
    }
  }
}
