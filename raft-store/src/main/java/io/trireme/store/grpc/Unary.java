package io.trireme.store.grpc;

import io.grpc.stub.StreamObserver;
import io.trireme.store.mvcc.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Completes a unary gRPC call from a store future, translating errors once. */
final class Unary {
  private Unary() {}

  static <T> void reply(StreamObserver<T> out, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (StoreException | IllegalArgumentException e) {
      out.onError(e instanceof StoreException se ? EtcdErrors.of(se)
          : io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    f.whenComplete((v, err) -> {
      if (err != null) {
        out.onError(EtcdErrors.of(err));
      } else {
        out.onNext(v);
        out.onCompleted();
      }
    });
  }
}
