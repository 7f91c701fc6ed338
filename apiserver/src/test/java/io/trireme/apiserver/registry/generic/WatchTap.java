package io.trireme.apiserver.registry.generic;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sits on the apiserver's store channel and sees every etcd watch it opens: the create requests (key and start
 * revision), and lets a test cut the open watch streams or refuse new ones, as a store restart would.
 */
final class WatchTap implements ClientInterceptor {
  /** One etcd watch create request. */
  record Created(String key, long startRevision) {}

  private final List<Created> created = new CopyOnWriteArrayList<>();
  private final List<ClientCall<?, ?>> open = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;

  /** The create requests for {@code key} so far. */
  List<Created> created(String key) {
    return created.stream().filter(c -> c.key().equals(key)).toList();
  }

  /** Cancels every open watch stream (the apiserver sees them fail). */
  void cut() {
    for (ClientCall<?, ?> c : open) {
      c.cancel("cut by the test", null);
    }
    open.clear();
  }

  /** While set, new watch streams are cancelled as soon as they start. */
  void refuse(boolean refuse) {
    refusing = refuse;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    if (!method.getFullMethodName().equals(WatchGrpc.getWatchMethod().getFullMethodName())) {
      return call;
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(listener, headers);
        if (refusing) {
          super.cancel("refused by the test", null);
        } else {
          open.add(this);
        }
      }

      @Override
      public void sendMessage(Q message) {
        if (message instanceof WatchRequest r && r.hasCreateRequest()) {
          created.add(new Created(r.getCreateRequest().getKey().toStringUtf8(),
              r.getCreateRequest().getStartRevision()));
        }
        super.sendMessage(message);
      }
    };
  }
}
