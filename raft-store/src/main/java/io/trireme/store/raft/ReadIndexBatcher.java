package io.trireme.store.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Linearizable reads of one member share ReadIndex rounds: at most one round is under way; every read that
 * arrives meanwhile waits for the next round, which starts when the current one ends, and all of them are then
 * served from the local state machine. A read is linearizable if it is served from a state that includes
 * everything committed before the read arrived; a round that started after the read arrived, and completed
 * only once this member applied up to the index it obtained, gives exactly that. A read never joins the round
 * already under way: that round may have obtained its index before the read arrived.
 *
 * <p>On a follower a round is one ReadIndex RPC to the leader instead of one per read (etcd batches its
 * ReadIndex requests the same way); on the leader it is one lease check or heartbeat round per batch.
 */
final class ReadIndexBatcher {
  /** Starts one round: completes once this member has applied up to a fresh read index of the group. */
  private final Supplier<CompletableFuture<?>> round;
  /**
   * Starts the rounds that wait for a completion: not on the thread that completed (Ratis' apply thread, which
   * a new read request waits for while it is submitted).
   */
  private final Executor later;
  /** The round that reads arriving now wait for; not started yet. Null while no read waits. */
  private CompletableFuture<Void> next;
  private boolean inFlight;

  ReadIndexBatcher(Supplier<CompletableFuture<?>> round, Executor later) {
    this.round = round;
    this.later = later;
  }

  /** Completes when a read that arrived now may be served locally, or fails with the round's error. */
  CompletableFuture<Void> await() {
    CompletableFuture<Void> mine;
    boolean start;
    synchronized (this) {
      if (next == null) next = new CompletableFuture<>();
      mine = next;
      start = !inFlight;
      if (start) {
        next = null;
        inFlight = true;
      }
    }
    if (start) run(mine);
    return mine;
  }

  private void run(CompletableFuture<Void> batch) {
    CompletableFuture<?> r;
    try {
      r = round.get();
    } catch (RuntimeException e) {
      r = CompletableFuture.failedFuture(e);
    }
    r.whenComplete((v, err) -> {
      CompletableFuture<Void> following;
      synchronized (this) {
        following = next;
        next = null;
        inFlight = following != null;
      }
      // the next round starts before this batch's reads run: they may take a while
      if (following != null) runLater(following);
      if (err != null) {
        batch.completeExceptionally(err);
      } else {
        batch.complete(null);
      }
    });
  }

  private void runLater(CompletableFuture<Void> batch) {
    try {
      later.execute(() -> run(batch));
    } catch (RejectedExecutionException e) { // shutting down
      synchronized (this) {
        inFlight = false;
      }
      batch.completeExceptionally(e);
    }
  }
}
