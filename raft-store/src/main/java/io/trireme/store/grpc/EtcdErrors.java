package io.trireme.store.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trireme.store.mvcc.StoreException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Translates the store's errors into etcd's gRPC errors (codes and messages as etcd's rpctypes), once. */
public final class EtcdErrors {
  private EtcdErrors() {}

  public static StatusRuntimeException of(StoreException e) {
    return switch (e.kind()) {
      case EMPTY_KEY -> err(Status.INVALID_ARGUMENT, "etcdserver: key is not provided");
      case KEY_NOT_FOUND -> err(Status.INVALID_ARGUMENT, "etcdserver: key not found");
      case VALUE_PROVIDED -> err(Status.INVALID_ARGUMENT, "etcdserver: value is provided");
      case LEASE_PROVIDED -> err(Status.INVALID_ARGUMENT, "etcdserver: lease is provided");
      case DUPLICATE_KEY -> err(Status.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
      case TOO_MANY_OPS -> err(Status.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
      case REQUEST_TOO_LARGE -> err(Status.INVALID_ARGUMENT, "etcdserver: request is too large");
      case INVALID_SORT_OPTION -> err(Status.INVALID_ARGUMENT, "etcdserver: invalid sort option");
      case COMPACTED -> err(Status.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
      case FUTURE_REV -> err(Status.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
      case LEASE_NOT_FOUND -> err(Status.NOT_FOUND, "etcdserver: requested lease not found");
      case LEASE_EXISTS -> err(Status.FAILED_PRECONDITION, "etcdserver: lease already exists");
      case LEASE_TTL_TOO_LARGE -> err(Status.OUT_OF_RANGE, "etcdserver: too large lease TTL");
      case NO_LEADER -> err(Status.UNAVAILABLE, "etcdserver: no leader");
      case TIMEOUT -> err(Status.UNAVAILABLE, "etcdserver: request timed out");
      case STOPPED -> err(Status.UNAVAILABLE, "etcdserver: server stopped");
      case CORRUPT -> err(Status.DATA_LOSS, "etcdserver: " + e.getMessage());
      case LEADER_CHANGED -> err(Status.UNAVAILABLE, "etcdserver: leader changed");
    };
  }

  /** Any failure of a store call, as the gRPC error a client must see. */
  public static StatusRuntimeException of(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof StoreException se) return of(se);
    if (c instanceof StatusRuntimeException sre) return sre;
    return err(Status.INTERNAL, "etcdserver: " + c);
  }

  private static StatusRuntimeException err(Status s, String msg) {
    return s.withDescription(msg).asRuntimeException();
  }
}
