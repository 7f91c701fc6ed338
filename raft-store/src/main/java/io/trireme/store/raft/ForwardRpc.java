package io.trireme.store.raft;

import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.trireme.store.mvcc.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The follower-to-leader hop of writes: one unary gRPC method on the store's client port, not part of etcd's
 * API. The request is a store command exactly as a member would replicate it (one write, or an {@link Op#BATCH} of
 * writes); the answer is its reply bytes in the same shape. The leader does not replicate a forwarded command as
 * its own log entry: it queues its writes with its own ({@link WriteBatcher}), so the writes of all members share
 * log entries (measured on 2 cores, put-64 through all three members: 5.6-6 writes per entry and 1,300-1,700
 * writes/s when each member's batches were separate entries, against 12 per entry and 2,500/s through the leader
 * alone).
 *
 * <p>What a failure means: a refusal ({@link #NOT_LEADER}) and a call that never reached a connection were not
 * acted on, so the write may be routed again; any other failure after the call went out leaves the outcome
 * unknown, and the caller reports it as etcd does ("leader changed", "request timed out") rather than risk
 * applying the write twice.
 */
final class ForwardRpc {
  static final String SERVICE = "trireme.store.internal.Forward";
  /** The description of the leader's refusal: it is not the leader, and did nothing. */
  static final String NOT_LEADER = "trireme: not the leader";


  static final MethodDescriptor<byte[], byte[]> WRITE = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Write"))
      .setRequestMarshaller(io.trireme.store.RawBytes.MARSHALLER)
      .setResponseMarshaller(io.trireme.store.RawBytes.MARSHALLER)
      .build();

  private ForwardRpc() {}

  /**
   * The leader's side: {@code handler} answers a command with its reply bytes, or fails with a StoreException:
   * NO_LEADER or STOPPED when this member does not lead or is stopping (answered as the refusal: nothing done),
   * CORRUPT for a command that is not a well-formed write.
   */
  static ServerServiceDefinition service(Function<byte[], CompletableFuture<byte[]>> handler) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(WRITE, ServerCalls.asyncUnaryCall((byte[] command, StreamObserver<byte[]> out) -> {
          CompletableFuture<byte[]> reply;
          try {
            reply = handler.apply(command);
          } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
          }
          reply.whenComplete((bytes, err) -> {
            if (err == null) {
              out.onNext(bytes);
              out.onCompleted();
            } else {
              out.onError(status(err).asRuntimeException());
            }
          });
        }))
        .build();
  }

  private static Status status(Throwable err) {
    Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
        ? err.getCause() : err;
    if (t instanceof StoreException se
        && (se.kind() == StoreException.Kind.NO_LEADER || se.kind() == StoreException.Kind.STOPPED)) {
      return Status.FAILED_PRECONDITION.withDescription(NOT_LEADER);
    }
    if (t instanceof StoreException se) {
      return Status.INVALID_ARGUMENT.withDescription(se.kind() + ": " + se.getMessage());
    }
    return Status.INTERNAL.withDescription(String.valueOf(t));
  }

  /** A failed forward: whether the leader may have acted on it, and gRPC's status. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean mayHaveActed;
    private final transient Status status;

    Failure(boolean mayHaveActed, Status status) {
      super(status.toString(), null, false, false);
      this.mayHaveActed = mayHaveActed;
      this.status = status;
    }

    /** False when the leader refused or the call never reached a connection: routing it again is safe. */
    boolean mayHaveActed() {
      return mayHaveActed;
    }

    Status status() {
      return status;
    }
  }

  /** The follower's side: sends {@code command} to the leader behind {@code channel}; fails with {@link Failure}. */
  static CompletableFuture<byte[]> send(ManagedChannel channel, byte[] command, long deadlineNanos) {
    AtomicBoolean onConnection = new AtomicBoolean();
    ClientStreamTracer.Factory tracer = new ClientStreamTracer.Factory() {
      @Override
      public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
        return new ClientStreamTracer() {
          @Override
          public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
            onConnection.set(true); // on a ready connection: from here on the call may reach the leader
          }
        };
      }
    };
    CallOptions options = CallOptions.DEFAULT.withStreamTracerFactory(tracer)
        .withDeadlineAfter(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    try {
      ClientCalls.asyncUnaryCall(channel.newCall(WRITE, options), command, new StreamObserver<>() {
        @Override
        public void onNext(byte[] value) {
          result.complete(value);
        }

        @Override
        public void onError(Throwable t) {
          Status s = t instanceof StatusRuntimeException sre ? sre.getStatus() : Status.fromThrowable(t);
          boolean refused = s.getCode() == Status.Code.FAILED_PRECONDITION && NOT_LEADER.equals(s.getDescription());
          result.completeExceptionally(new Failure(!refused && onConnection.get(), s));
        }

        @Override
        public void onCompleted() {
          if (!result.isDone()) {
            result.completeExceptionally(new Failure(true, Status.INTERNAL.withDescription("no reply")));
          }
        }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(new Failure(false, Status.fromThrowable(e)));
    }
    return result;
  }
}
