package io.trireme.store.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.trireme.store.mvcc.StoreException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a forward's failure says about whether the leader may have acted on it: the rule that prevents doubles. */
class ForwardRpcTest {
  private Server server;
  private ManagedChannel channel;

  private ManagedChannel serve(Function<byte[], CompletableFuture<byte[]>> handler) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(ForwardRpc.service(handler)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return channel;
  }

  @AfterEach
  void close() {
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow();
  }

  private static long inSeconds(int s) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
  }

  private static ForwardRpc.Failure failure(CompletableFuture<byte[]> f) {
    Throwable t = catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ForwardRpc.Failure.class);
    return (ForwardRpc.Failure) t.getCause();
  }

  @Test
  void answer_comesBackAsSent() throws Exception {
    ManagedChannel c = serve(cmd -> CompletableFuture.completedFuture(new byte[] {0, cmd[1]}));
    byte[] reply = ForwardRpc.send(c, new byte[] {(byte) Op.PUT.ordinal(), 42}, inSeconds(10)).get(10, TimeUnit.SECONDS);
    assertThat(reply).containsExactly(0, 42);
  }

  @Test
  void refusal_byAMemberThatDoesNotLead_mayBeRoutedAgain() throws Exception {
    ManagedChannel c = serve(cmd -> {
      throw new StoreException(StoreException.Kind.NO_LEADER);
    });
    ForwardRpc.Failure f = failure(ForwardRpc.send(c, new byte[] {0}, inSeconds(10)));
    assertThat(f.mayHaveActed()).isFalse();
    assertThat(f.status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void failureAfterTheCallReachedTheLeader_isAnUnknownOutcome() throws Exception {
    ManagedChannel c = serve(cmd -> CompletableFuture.failedFuture(new IllegalStateException("died")));
    ForwardRpc.Failure f = failure(ForwardRpc.send(c, new byte[] {0}, inSeconds(10)));
    assertThat(f.mayHaveActed()).isTrue();
  }

  @Test
  void deadlinePassedWhileTheLeaderWorked_isAnUnknownOutcome() throws Exception {
    ManagedChannel c = serve(cmd -> new CompletableFuture<>()); // never answers
    ForwardRpc.Failure f = failure(ForwardRpc.send(c, new byte[] {0},
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
    assertThat(f.mayHaveActed()).isTrue();
    assertThat(f.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void aLeaderThatCannotBeReached_neverGotTheCall() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    ForwardRpc.Failure f = failure(ForwardRpc.send(channel, new byte[] {0}, inSeconds(10)));
    assertThat(f.mayHaveActed()).isFalse();
    assertThat(f.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
