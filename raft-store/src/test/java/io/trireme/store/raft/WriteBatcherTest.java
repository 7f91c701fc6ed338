package io.trireme.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class WriteBatcherTest {
  /** The commands sent, each with the future the test completes. */
  private final List<byte[]> sent = new ArrayList<>();
  private final List<CompletableFuture<byte[]>> replies = new ArrayList<>();

  private WriteBatcher batcher(int maxInFlight, int maxBytes) {
    return new WriteBatcher(maxInFlight, maxBytes, command -> {
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      sent.add(command);
      replies.add(f);
      return f;
    }, Runnable::run);
  }

  private static byte[] put(int n) {
    return new byte[] {(byte) Op.PUT.ordinal(), (byte) n};
  }

  /** What a state machine answers to {@code command}: one reply per write, echoing its second byte. */
  private static byte[] answer(byte[] command) {
    if (command[0] != Op.BATCH.ordinal()) return new byte[] {0, command[1]};
    List<byte[]> parts = new ArrayList<>();
    for (byte[] c : Codec.unbatch(command, 1)) parts.add(new byte[] {0, c[1]});
    byte[] framed = Codec.batch(parts);
    return java.util.Arrays.copyOfRange(framed, 1, framed.length);
  }

  @Test
  void loneWrite_goesAtOnceAndAlone() throws Exception {
    WriteBatcher b = batcher(2, 1 << 20);
    CompletableFuture<byte[]> r = b.submit(put(7));

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).isEqualTo(put(7));
    replies.get(0).complete(answer(sent.get(0)));
    assertThat(r.get()).containsExactly(0, 7);
  }

  @Test
  void writesArrivingWhileSlotsAreBusy_goTogetherInOrder_eachGetsItsOwnReply() throws Exception {
    WriteBatcher b = batcher(1, 1 << 20);
    CompletableFuture<byte[]> first = b.submit(put(1));
    List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
    for (int i = 2; i <= 5; i++) waiting.add(b.submit(put(i)));
    assertThat(sent).hasSize(1);

    replies.get(0).complete(answer(sent.get(0)));

    assertThat(first.get()).containsExactly(0, 1);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)[0]).isEqualTo((byte) Op.BATCH.ordinal());
    assertThat(Codec.unbatch(sent.get(1), 1)).containsExactly(put(2), put(3), put(4), put(5));
    replies.get(1).complete(answer(sent.get(1)));
    for (int i = 0; i < waiting.size(); i++) {
      assertThat(waiting.get(i).get()).containsExactly(0, i + 2);
    }
  }

  @Test
  void batchFails_everyWriteInItFails_laterWritesStillGo() throws Exception {
    WriteBatcher b = batcher(1, 1 << 20);
    b.submit(put(1));
    CompletableFuture<byte[]> x = b.submit(put(2));
    CompletableFuture<byte[]> y = b.submit(put(3));
    replies.get(0).complete(answer(sent.get(0)));

    replies.get(1).completeExceptionally(new IOException("no leader"));

    assertThat(x).isCompletedExceptionally();
    assertThat(y).isCompletedExceptionally();
    try {
      y.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).hasMessage("no leader");
    }
    CompletableFuture<byte[]> z = b.submit(put(4));
    assertThat(sent).hasSize(3);
    replies.get(2).complete(answer(sent.get(2)));
    assertThat(z.get()).containsExactly(0, 4);
  }

  @Test
  void batchBytesBounded_restWaitsForTheNextSlot() {
    WriteBatcher b = batcher(1, 2 * (4 + 2));
    b.submit(put(1));
    for (int i = 2; i <= 6; i++) b.submit(put(i));
    replies.get(0).complete(answer(sent.get(0)));

    assertThat(Codec.unbatch(sent.get(1), 1)).containsExactly(put(2), put(3));
    replies.get(1).complete(answer(sent.get(1)));
    assertThat(Codec.unbatch(sent.get(2), 1)).containsExactly(put(4), put(5));
  }
}
