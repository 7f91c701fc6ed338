package io.trireme.store.mvcc;

import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** etcd's Range, with its option semantics (limit, count_only, keys_only, sort, revision filters). */
public final class RangeReader {
  private RangeReader() {}

  /** A range at the request's revision (0 = current). */
  public static RangeResponse range(MvccStore store, RangeRequest r) {
    return range(store, r, store.revision());
  }

  /** A range where "current" means {@code current} (a txn sees its own writes). */
  static RangeResponse range(MvccStore store, RangeRequest r, long current) {
    check(r);
    long rev = r.getRevision() <= 0 ? current : store.checkRevision(r.getRevision());
    RangeRequest.SortOrder order = r.getSortOrder();
    if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
      order = RangeRequest.SortOrder.ASCEND;
    }
    boolean fetchAll = r.getSortOrder() != RangeRequest.SortOrder.NONE
        || r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
        || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
    long fetchLimit = (fetchAll || r.getLimit() <= 0) ? Long.MAX_VALUE : r.getLimit() + 1;

    List<KeyValue> kvs = new ArrayList<>();
    long[] count = {0};
    store.scan(r.getKey(), r.getRangeEnd(), rev, kv -> {
      count[0]++;
      if (!r.getCountOnly() && kvs.size() < fetchLimit) kvs.add(kv);
      return true;
    });
    RangeResponse.Builder resp = RangeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(current))
        .setCount(count[0]);
    if (r.getCountOnly()) return resp.build();

    kvs.removeIf(kv -> (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision())
        || (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision())
        || (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision())
        || (r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision()));
    if (order != RangeRequest.SortOrder.NONE) {
      Comparator<KeyValue> c = switch (r.getSortTarget()) {
        case KEY -> Comparator.comparing(KeyValue::getKey, MvccStore.KEY_ORDER);
        case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
        case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
        case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
        case VALUE -> Comparator.comparing(KeyValue::getValue, MvccStore.KEY_ORDER);
        case UNRECOGNIZED -> throw new StoreException(StoreException.Kind.INVALID_SORT_OPTION);
      };
      kvs.sort(order == RangeRequest.SortOrder.DESCEND ? c.reversed() : c);
    }
    List<KeyValue> out = kvs;
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      out = kvs.subList(0, (int) r.getLimit());
      resp.setMore(true);
    }
    if (r.getKeysOnly()) {
      for (KeyValue kv : out) resp.addKvs(kv.toBuilder().clearValue());
    } else {
      resp.addAllKvs(out);
    }
    return resp.build();
  }

  static void check(RangeRequest r) {
    if (r.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
    if (r.getSortOrder() == RangeRequest.SortOrder.UNRECOGNIZED
        || r.getSortTarget() == RangeRequest.SortTarget.UNRECOGNIZED) {
      throw new StoreException(StoreException.Kind.INVALID_SORT_OPTION);
    }
  }
}
