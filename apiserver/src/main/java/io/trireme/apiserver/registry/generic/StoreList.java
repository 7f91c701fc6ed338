package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Lists of one resource: ranges over its key prefix at one store revision (the first page's), filtered by
 * the selectors, {@code limit}ed, continued with an opaque token that carries the revision and next key.
 */
final class StoreList {
  /** Keys read per range when the client set no limit, so that no store response grows without bound. */
  private static final int CHUNK = 1000;

  private final GenericStore store;
  private final EtcdKv kv;

  StoreList(GenericStore store, EtcdKv kv) {
    this.store = store;
    this.kv = kv;
  }

  /** A list ({@code <Kind>List}) with selectors and limit/continue paging at one consistent revision. */
  CompletableFuture<ObjectNode> list(String namespace, ListOptions opts) {
    ResourceInfo info = store.info();
    String prefix = info.listPrefix(namespace);
    long revision = 0;
    String start = prefix;
    if (!opts.continueToken().isEmpty()) {
      ContinueToken t = ContinueToken.decode(opts.continueToken());
      revision = t.revision();
      start = prefix + t.start();
    } else if ("Exact".equals(opts.resourceVersionMatch()) && !opts.resourceVersion().isEmpty()) {
      revision = GenericStore.parseRv(opts.resourceVersion());
    }
    List<ObjectNode> items = new ArrayList<>();
    boolean fromContinue = !opts.continueToken().isEmpty();
    return page(prefix, start, revision, opts, items).exceptionally(t -> {
      ApiException e = ApiException.of(t);
      if (fromContinue && e.code() == 410) {
        throw ApiException.expired("The provided continue parameter is too old to display a consistent list "
            + "result. You can start a new list without the continue parameter.");
      }
      throw e;
    }).thenApply(p -> {
      ObjectNode list = JsonNodeFactory.instance.objectNode();
      list.put("kind", info.listKind()).put("apiVersion", info.apiVersion());
      ObjectNode meta = list.putObject("metadata").put("resourceVersion", Long.toString(p.revision()));
      if (p.next() != null) {
        meta.put("continue", new ContinueToken(p.revision(), p.next().substring(prefix.length())).encode());
      }
      ArrayNode arr = list.putArray("items");
      items.forEach(arr::add);
      return list;
    });
  }

  /** The outcome of paging: the revision read at and the key to continue from (null at the end). */
  private record Page(long revision, String next) {}

  private CompletableFuture<Page> page(String prefix, String start, long revision, ListOptions opts,
      List<ObjectNode> items) {
    long want = opts.limit() > 0 ? opts.limit() - items.size() : 0;
    RangeRequest.Builder req = RangeRequest.newBuilder().setKey(EtcdKv.bytes(start))
        .setRangeEnd(EtcdKv.prefixEnd(prefix)).setRevision(revision);
    req.setLimit(want > 0 ? Math.max(want, 50) : CHUNK);
    return kv.range(req.build()).thenCompose(r -> {
      long rev = revision != 0 ? revision : r.getHeader().getRevision();
      String last = null;
      int i = 0;
      for (; i < r.getKvsCount(); i++) {
        if (opts.limit() > 0 && items.size() >= opts.limit()) {
          break;
        }
        KeyValue k = r.getKvs(i);
        last = k.getKey().toStringUtf8();
        ObjectNode obj = store.decode(k);
        if (opts.matches(store.strategy(), obj)) {
          items.add(obj);
        }
      }
      boolean moreHere = i < r.getKvsCount() || r.getMore();
      if (!moreHere) {
        return CompletableFuture.completedFuture(new Page(rev, null));
      }
      String next = last + "\u0000";
      if (opts.limit() > 0 && items.size() >= opts.limit()) {
        return CompletableFuture.completedFuture(new Page(rev, next));
      }
      return page(prefix, next, rev, opts, items);
    });
  }

}
