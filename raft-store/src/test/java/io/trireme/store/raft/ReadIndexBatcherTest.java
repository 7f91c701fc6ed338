package io.trireme.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ReadIndexBatcherTest {
  /** The rounds started, each completed by the test. */
  private final List<CompletableFuture<Object>> rounds = new ArrayList<>();
  private final ReadIndexBatcher batcher = new ReadIndexBatcher(() -> {
    CompletableFuture<Object> f = new CompletableFuture<>();
    rounds.add(f);
    return f;
  }, Runnable::run);

  @Test
  void loneRead_startsARoundAtOnce() {
    CompletableFuture<Void> read = batcher.await();

    assertThat(rounds).hasSize(1);
    assertThat(read).isNotDone();
    rounds.get(0).complete("ok");
    assertThat(read).isCompleted();
  }

  @Test
  void readsArrivingDuringARound_waitForTheNextOneAndShareIt() {
    CompletableFuture<Void> first = batcher.await();
    CompletableFuture<Void> second = batcher.await();
    CompletableFuture<Void> third = batcher.await();
    assertThat(rounds).hasSize(1);

    rounds.get(0).complete("ok");
    // the round under way may have read its index before the later reads arrived: they must not ride on it
    assertThat(first).isCompleted();
    assertThat(second).isNotDone();
    assertThat(third).isNotDone();
    assertThat(rounds).hasSize(2);

    rounds.get(1).complete("ok");
    assertThat(second).isCompleted();
    assertThat(third).isCompleted();
    assertThat(rounds).hasSize(2);
  }

  @Test
  void failedRound_failsItsReadsOnly_andTheNextRoundStillRuns() {
    CompletableFuture<Void> first = batcher.await();
    CompletableFuture<Void> second = batcher.await();

    rounds.get(0).completeExceptionally(new IOException("no leader"));
    assertThat(first).isCompletedExceptionally();
    assertThat(second).isNotDone();
    rounds.get(1).complete("ok");
    assertThat(second).isCompleted();

    CompletableFuture<Void> later = batcher.await();
    assertThat(rounds).hasSize(3);
    rounds.get(2).complete("ok");
    assertThat(later).isCompleted();
  }

  @Test
  void roundThatThrows_failsItsReads() {
    ReadIndexBatcher throwing = new ReadIndexBatcher(() -> {
      throw new IllegalStateException("division not running");
    }, Runnable::run);

    CompletableFuture<Void> read = throwing.await();
    assertThat(read).isCompletedExceptionally();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, read::get);
    assertThat(e.getCause()).hasMessage("division not running");
    // not stuck: the next read starts a new round
    assertThat(throwing.await()).isCompletedExceptionally();
  }
}
