package io.trireme.store.grpc;

import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.trireme.store.watch.WatchSink;
import io.trireme.store.watch.Watcher;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's Watch service: one bidirectional stream carries many watches, each with its own id. */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(WatchService.class);
  /** WatchCreateRequest.watch_id (field 7) is missing from jetcd's proto; read it raw. */
  private static final int FIELD_WATCH_ID = 7;

  private final StoreContext ctx;

  public WatchService(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return new Stream((ServerCallStreamObserver<WatchResponse>) responses);
  }

  private final class Stream implements StreamObserver<WatchRequest>, WatchSink {
    private final ServerCallStreamObserver<WatchResponse> out;
    private final Map<Long, Watcher> watchers = new HashMap<>();
    private long nextId = 0;
    private boolean closed;

    Stream(ServerCallStreamObserver<WatchResponse> out) {
      this.out = out;
      out.setOnCancelHandler(() -> {
        synchronized (this) {
          closed = true;
        }
        closeAll();
      });
    }

    @Override
    public synchronized boolean trySend(WatchResponse r) {
      if (closed) return true; // nobody listens; drop instead of stalling the watcher
      if (!out.isReady()) return false;
      out.onNext(r);
      return true;
    }

    @Override
    public synchronized void send(WatchResponse r) {
      if (!closed) out.onNext(r);
    }

    @Override
    public void onNext(WatchRequest req) {
      try {
        switch (req.getRequestUnionCase()) {
          case CREATE_REQUEST -> create(req.getCreateRequest());
          case CANCEL_REQUEST -> cancel(req.getCancelRequest());
          case PROGRESS_REQUEST -> progress();
          case REQUESTUNION_NOT_SET -> { }
        }
      } catch (RuntimeException e) {
        LOG.warn("watch request failed", e);
        synchronized (this) {
          if (!closed) {
            closed = true;
            out.onError(EtcdErrors.of(e));
          }
        }
        closeAll();
      }
    }

    private void create(WatchCreateRequest c) {
      long id;
      synchronized (this) {
        var f = c.getUnknownFields().getField(FIELD_WATCH_ID);
        long requested = f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(0);
        if (requested > 0) {
          if (watchers.containsKey(requested)) {
            send(WatchResponse.newBuilder().setHeader(ctx.header(ctx.revision())).setWatchId(requested)
                .setCreated(true).setCanceled(true)
                .setCancelReason("mvcc: duplicate watch ID provided on the WatchStream").build());
            return;
          }
          id = requested;
        } else {
          while (watchers.containsKey(nextId)) nextId++;
          id = nextId++;
        }
        watchers.put(id, null); // reserve the id
      }
      boolean noPut = c.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
      boolean noDelete = c.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
      Watcher w = ctx.watches().create(this, id, c.getKey(), c.getRangeEnd(), c.getStartRevision(),
          c.getPrevKv(), noPut, noDelete, c.getProgressNotify());
      synchronized (this) {
        if (w == null || closed) {
          watchers.remove(id);
          if (w != null) ctx.watches().cancel(w);
        } else {
          watchers.put(id, w);
        }
      }
    }

    private void cancel(WatchCancelRequest c) {
      Watcher w;
      synchronized (this) {
        w = watchers.remove(c.getWatchId());
      }
      if (w != null) ctx.watches().cancel(w);
      send(WatchResponse.newBuilder().setHeader(ctx.header(ctx.revision())).setWatchId(c.getWatchId())
          .setCanceled(true).build());
    }

    private void progress() {
      java.util.List<Watcher> mine;
      synchronized (this) {
        mine = watchers.values().stream().filter(java.util.Objects::nonNull).toList();
      }
      long rev = ctx.watches().progressRevision(mine);
      send(WatchResponse.newBuilder().setHeader(ctx.header(rev)).setWatchId(-1).build());
    }

    @Override
    public void onError(Throwable t) {
      closeAll();
    }

    @Override
    public void onCompleted() {
      closeAll();
      synchronized (this) {
        if (!closed) {
          closed = true;
          out.onCompleted();
        }
      }
    }

    private void closeAll() {
      java.util.List<Watcher> all;
      synchronized (this) {
        all = watchers.values().stream().filter(java.util.Objects::nonNull).toList();
        watchers.clear();
      }
      all.forEach(ctx.watches()::cancel);
    }
  }
}
