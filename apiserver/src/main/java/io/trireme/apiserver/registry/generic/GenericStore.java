package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnResponse;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.patch.PatchType;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import io.trireme.apiserver.storage.EtcdKv;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The REST store every resource shares, over the etcd v3 API: objects are JSON under
 * {@code /registry/<resource>/[<namespace>/]<name>}, resourceVersion is the key's mod revision, a list's
 * resourceVersion is the store revision it was read at, and every write is one Txn (see {@link WriteOptions}).
 */
public final class GenericStore {
  private static final int UPDATE_RETRIES = 8;
  private static final String GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final ResourceStrategy strategy;
  private final ResourceInfo info;
  private final EtcdKv kv;
  private final Clock clock;
  private final List<Admission> admission;
  private final List<WriteEffect> effects;
  private final WatchCache cache;
  private final ResourceSchema schema;
  private final StoreList lister;

  public GenericStore(ResourceStrategy strategy, ResourceSchema schema, EtcdKv kv, Clock clock,
      List<Admission> admission, List<WriteEffect> effects, ScheduledExecutorService scheduler,
      Executor watchExecutor, WatchCacheConfig watchCache) {
    this.strategy = Objects.requireNonNull(strategy);
    this.schema = Objects.requireNonNull(schema);
    this.info = strategy.info();
    this.kv = kv;
    this.clock = clock;
    this.admission = List.copyOf(admission);
    this.effects = List.copyOf(effects);
    this.lister = new StoreList(this, kv);
    this.cache = strategy.computed().isPresent() ? null
        : new WatchCache(this, kv, watchCache, scheduler, watchExecutor);
  }

  public ResourceStrategy strategy() {
    return strategy;
  }

  public ResourceInfo info() {
    return info;
  }

  Clock clock() {
    return clock;
  }

  /** Decodes a stored value and stamps its resourceVersion. */
  ObjectNode decode(KeyValue k) {
    ObjectNode obj = strategy.fromStorage(Json.object(k.getValue().toByteArray()));
    Meta.meta(obj).put("resourceVersion", Long.toString(k.getModRevision()));
    return obj;
  }

  private ByteString encode(ObjectNode obj) {
    ObjectNode copy = strategy.toStorage(obj.deepCopy());
    Meta.meta(copy).remove("resourceVersion");
    return ByteString.copyFrom(Json.bytes(copy));
  }

  public CompletableFuture<ObjectNode> get(String namespace, String name) {
    if (strategy.computed().isPresent()) {
      return strategy.computed().get().all().thenApply(all -> all.stream()
          .filter(o -> Meta.name(o).equals(name)).findFirst()
          .orElseThrow(() -> ApiException.notFound(info.group(), info.resource(), name)));
    }
    return kv.get(info.key(namespace, name)).thenApply(r -> {
      if (r.getKvsCount() == 0) {
        throw ApiException.notFound(info.group(), info.resource(), name);
      }
      return decode(r.getKvs(0));
    });
  }

  /** A list ({@code <Kind>List}) with selectors and limit/continue paging at one consistent revision. */
  public CompletableFuture<ObjectNode> list(String namespace, ListOptions opts) {
    checkFieldSelector(opts);
    if (strategy.computed().isPresent()) {
      return strategy.computed().get().all().thenApply(all -> {
        ObjectNode list = JsonNodeFactory.instance.objectNode().put("kind", info.listKind())
            .put("apiVersion", info.apiVersion());
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        all.stream().filter(o -> opts.matches(strategy, o)).forEach(items::add);
        return list;
      });
    }
    if (opts.resourceVersion().equals("0") && opts.continueToken().isEmpty()
        && !"Exact".equals(opts.resourceVersionMatch())) {
      return cache.list(namespace, opts);
    }
    return lister.list(namespace, opts);
  }

  /** A list read from the store (what the watch cache fills itself from). */
  CompletableFuture<ObjectNode> listFromStore(String namespace, ListOptions opts) {
    return lister.list(namespace, opts);
  }

  /**
   * Starts this resource's watch cache (its one store watch); the future completes once it holds the current
   * state. Read-only (computed) resources have none and complete at once.
   */
  public CompletableFuture<Void> startWatchCache() {
    if (cache == null) {
      return CompletableFuture.completedFuture(null);
    }
    cache.start();
    return cache.ready();
  }

  /** Stops the watch cache: its store watch and every client watch it feeds. */
  public void closeWatchCache() {
    if (cache != null) {
      cache.close();
    }
  }

  /**
   * The object as this apiserver's watch cache holds it now (shared: read-only); empty when it is not there or
   * the cache has not listed yet — the store may still have it.
   */
  public Optional<ObjectNode> cached(String namespace, String name) {
    return cache == null ? Optional.empty() : cache.object(info.key(namespace, name));
  }

  /** How many client watches this resource's cache feeds. */
  public int watchers() {
    return cache == null ? 0 : cache.watchers();
  }

  /** Refuses a write (or watch) of a read-only resource. */
  private void checkWritable(String verb) {
    if (strategy.computed().isPresent()) {
      throw ApiException.methodNotSupported(info.resource(), verb);
    }
  }

  private void checkFieldSelector(ListOptions opts) {
    opts.fields().check(strategy, JsonNodeFactory.instance.objectNode());
  }

  static long parseRv(String rv) {
    try {
      long v = Long.parseLong(rv);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid resource version: \"" + rv + "\"");
    }
  }

  /** Rejects a watch request that cannot start (bad field selector or resourceVersion) before it is answered. */
  public void checkWatch(ListOptions opts) {
    checkWritable("watch");
    checkFieldSelector(opts);
    if (!opts.resourceVersion().isEmpty()) {
      parseRv(opts.resourceVersion());
    }
  }

  /**
   * Starts a watch, served by this resource's watch cache; events go to {@code sink} (objects shared with other
   * watches: read-only) until the returned handle is closed.
   */
  public AutoCloseable watch(String namespace, ListOptions opts, WatchSink sink) {
    checkWatch(opts);
    cache.start();
    return cache.watch(namespace, opts, sink);
  }

  public CompletableFuture<ObjectNode> create(String namespace, ObjectNode obj, WriteOptions w) {
    try {
      checkWritable("create");
      checkKind(obj);
      checkFields(obj, w);
      prepareCreate(namespace, obj);
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> admitted = CompletableFuture.completedFuture(null);
    for (Admission a : admission) {
      admitted = admitted.thenCompose(v -> a.mutateCreate(info, obj));
    }
    admitted = admitted.thenRun(() -> {
      strategy.prepareForCreate(obj);
      validate(obj, strategy.validate(obj));
      strategy.canonicalize(obj);
    });
    for (Admission a : admission) {
      admitted = admitted.thenCompose(v -> a.admitCreate(info, obj));
    }
    return admitted.thenCompose(v -> createAttempt(obj.deepCopy(), w, 0));
  }

  /** One try of the create Txn; the effects decide afresh each time (a lost allocation race retries). */
  private CompletableFuture<ObjectNode> createAttempt(ObjectNode prepared, WriteOptions w, int attempt) {
    ObjectNode obj = prepared.deepCopy();
    String name = Meta.name(obj);
    String key = info.key(Meta.namespace(obj), name);
    if (w.dryRun()) {
      return kv.get(key).thenCompose(r -> {
        if (r.getKvsCount() > 0) {
          throw ApiException.alreadyExists(info.group(), info.resource(), name);
        }
        return effect(obj, null, true).thenApply(e -> obj);
      });
    }
    Compare absent = Compare.newBuilder().setKey(EtcdKv.bytes(key)).setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0).build();
    return effect(obj, null, false).thenCompose(e -> txn(absent, w, put(key, obj), key, e).thenCompose(r -> {
      if (!r.getSucceeded()) {
        if (keyExists(r)) {
          throw ApiException.alreadyExists(info.group(), info.resource(), name);
        }
        if (!e.empty() && attempt < UPDATE_RETRIES) {
          Optional<ApiException> why = explain(e, r);
          if (why.isPresent()) {
            throw why.get();
          }
          return createAttempt(prepared, w, attempt + 1);
        }
        throw fenced(name);
      }
      Meta.meta(obj).put("resourceVersion", Long.toString(r.getHeader().getRevision()));
      return CompletableFuture.completedFuture(obj);
    }));
  }

  /** The combined effect of every {@link WriteEffect} on this write. */
  private CompletableFuture<WriteEffect.Effect> effect(ObjectNode next, ObjectNode cur, boolean dryRun) {
    CompletableFuture<WriteEffect.Effect> all = CompletableFuture.completedFuture(WriteEffect.Effect.NONE);
    for (WriteEffect we : effects) {
      all = all.thenCompose(acc -> we.prepare(info, next, cur, dryRun).thenApply(acc::and));
    }
    return all;
  }

  /** Asks the effect why its part of a failed Txn failed (its read-backs follow the object's own read). */
  private static Optional<ApiException> explain(WriteEffect.Effect e, TxnResponse failed) {
    List<KeyValue> kvs = new ArrayList<>();
    for (int i = 1; i < failed.getResponsesCount(); i++) {
      var range = failed.getResponses(i).getResponseRange();
      kvs.add(range.getKvsCount() == 0 ? null : range.getKvs(0));
    }
    return e.explain().apply(kvs);
  }

  private void prepareCreate(String namespace, ObjectNode obj) {
    checkKind(obj);
    ObjectNode meta = Meta.meta(obj);
    if (info.namespaced()) {
      String bodyNs = Meta.namespace(obj);
      if (!bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
        throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
            + "on the request");
      }
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    if (Meta.name(obj).isEmpty() && !Meta.text(meta, "generateName").isEmpty()) {
      StringBuilder sb = new StringBuilder(Meta.text(meta, "generateName"));
      if (sb.length() > 58) {
        sb.setLength(58);
      }
      for (int i = 0; i < 5; i++) {
        sb.append(GENERATE_CHARS.charAt(ThreadLocalRandom.current().nextInt(GENERATE_CHARS.length())));
      }
      meta.put("name", sb.toString());
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Meta.timestamp(clock.instant()));
    strategy.applyDefaults(obj);
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    if (strategy.tracksGeneration()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
  }

  /** Drops fields the kind does not have; Strict rejects them, Warn reports them. */
  private void checkFields(ObjectNode obj, WriteOptions w) {
    List<String> unknown = schema.prune(obj);
    if (unknown.isEmpty() || w.fieldValidation() == FieldValidation.IGNORE) {
      return;
    }
    if (w.fieldValidation() == FieldValidation.STRICT) {
      List<String> quoted = unknown.stream().map(u -> "unknown field \"" + u + "\"").toList();
      throw ApiException.badRequest(info.kind() + " in version \"" + info.version() + "\" cannot be handled as a "
          + info.kind() + ": strict decoding error: " + String.join(", ", quoted));
    }
    unknown.forEach(u -> w.warnings().accept("unknown field \"" + u + "\""));
  }

  private void checkKind(ObjectNode obj) {
    String kind = Meta.text(obj, "kind");
    String apiVersion = Meta.text(obj, "apiVersion");
    if ((!kind.isEmpty() && !kind.equals(info.kind()))
        || (!apiVersion.isEmpty() && !apiVersion.equals(info.apiVersion()))) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion + ") and kind (" + kind
          + ") do not match the expected " + info.apiVersion() + ", Kind=" + info.kind());
    }
    obj.put("kind", info.kind());
    obj.put("apiVersion", info.apiVersion());
  }

  private void validate(ObjectNode obj, List<Cause> own) {
    List<Cause> causes = new ArrayList<>(Validation.objectMeta(obj, info.namespaced(), strategy.nameRule()));
    causes.addAll(own);
    if (!causes.isEmpty()) {
      throw ApiException.invalid(info.group(), info.kind(), Meta.name(obj), causes);
    }
  }

  /** PUT of the whole object (or of its status subresource). */
  public CompletableFuture<ObjectNode> update(String namespace, String name, ObjectNode body, boolean status,
      WriteOptions w) {
    String rv = Meta.resourceVersion(body);
    return guaranteedUpdate(namespace, name, cur -> body.deepCopy(), status, !rv.isEmpty(), w, 0);
  }

  /** PATCH: the patch is applied to the current object; conflicts retry unless the patch pins a resourceVersion. */
  public CompletableFuture<ObjectNode> patch(String namespace, String name, PatchType type, JsonNode patch,
      boolean status, WriteOptions w) {
    boolean pinned = type != PatchType.JSON && patch.path("metadata").hasNonNull("resourceVersion");
    return guaranteedUpdate(namespace, name, cur -> {
      ObjectNode out = type.apply(cur, patch, strategy.patchMeta());
      if (!pinned && type != PatchType.JSON) {
        Meta.meta(out).put("resourceVersion", Meta.resourceVersion(cur));
      }
      return out;
    }, status, pinned, w, 0);
  }

  /** Read-modify-write of one object with conflict retries (for subresources that change their parent). */
  public CompletableFuture<ObjectNode> mutate(String namespace, String name, UnaryOperator<ObjectNode> transform,
      WriteOptions w) {
    return guaranteedUpdate(namespace, name, transform, false, false, w, 0);
  }

  /** Read-modify-write of one object's status subresource, with conflict retries. */
  public CompletableFuture<ObjectNode> mutateStatus(String namespace, String name,
      UnaryOperator<ObjectNode> transform, WriteOptions w) {
    return guaranteedUpdate(namespace, name, transform, true, false, w, 0);
  }

  /** A Success Status, as subresources such as bindings answer. */
  public static ObjectNode success(int code) {
    ObjectNode status = JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status.put("status", "Success").put("code", code);
  }

  /** GET of the scale subresource: an {@code autoscaling/v1 Scale}. */
  public CompletableFuture<ObjectNode> getScale(String namespace, String name) {
    return get(namespace, name).thenApply(this::toScale);
  }

  /** PUT/PATCH of the scale subresource: {@code transform} maps the current Scale to the wanted one. */
  public CompletableFuture<ObjectNode> updateScale(String namespace, String name, UnaryOperator<ObjectNode> transform,
      WriteOptions w) {
    boolean[] pinned = {false};
    WriteOptions noPrune = new WriteOptions(w.dryRun(), w.extraCompares(), FieldValidation.IGNORE, w.warnings());
    return guaranteedUpdate(namespace, name, cur -> {
      ObjectNode wanted = transform.apply(toScale(cur));
      String rv = Meta.resourceVersion(wanted);
      pinned[0] = !rv.isEmpty() && !rv.equals(Meta.resourceVersion(cur));
      JsonNode replicas = wanted.path("spec").path("replicas");
      if (!replicas.isIntegralNumber()) {
        throw ApiException.invalid("autoscaling", "Scale", name, List.of(new Cause("FieldValueRequired",
            "spec.replicas", "Required value: an integer is required")));
      }
      ObjectNode spec = cur.get("spec") instanceof ObjectNode s ? s : cur.putObject("spec");
      spec.set("replicas", replicas);
      Meta.meta(cur).put("resourceVersion", rv.isEmpty() ? Meta.resourceVersion(cur) : rv);
      return cur;
    }, false, false, noPrune, 0).thenApply(this::toScale);
  }

  private ObjectNode toScale(ObjectNode obj) {
    if (!strategy.hasScale()) {
      throw ApiException.notFoundPath();
    }
    ObjectNode scale = JsonNodeFactory.instance.objectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (obj.path("metadata").has(f)) {
        meta.set(f, obj.path("metadata").get(f));
      }
    }
    scale.putObject("spec").put("replicas", obj.path("spec").path("replicas").asLong(0));
    scale.putObject("status").put("replicas", obj.path("status").path("replicas").asLong(0))
        .put("selector", strategy.scaleSelector(obj));
    return scale;
  }

  private CompletableFuture<ObjectNode> guaranteedUpdate(String namespace, String name,
      UnaryOperator<ObjectNode> transform, boolean status, boolean pinned, WriteOptions w, int attempt) {
    try {
      checkWritable("update");
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    String key = info.key(namespace, name);
    return kv.get(key).thenCompose(r -> {
      if (r.getKvsCount() == 0) {
        throw ApiException.notFound(info.group(), info.resource(), name);
      }
      KeyValue curKv = r.getKvs(0);
      ObjectNode cur = decode(curKv);
      ObjectNode next = transform.apply(cur.deepCopy());
      checkKind(next);
      checkFields(next, w);
      String rv = Meta.resourceVersion(next);
      if (!rv.isEmpty() && !rv.equals(Long.toString(curKv.getModRevision()))) {
        throw ApiException.conflict(info.group(), info.resource(), name,
            "the object has been modified; please apply your changes to the latest version and try again");
      }
      prepareUpdate(namespace, name, next, cur, status);
      boolean finalize = Meta.deleting(next) && Meta.finalizers(next).isEmpty()
          && !strategy.deletionPending(next);
      if (w.dryRun()) {
        return CompletableFuture.completedFuture(next);
      }
      if (!finalize && sameStored(next, cur)) {
        return CompletableFuture.completedFuture(cur);
      }
      Compare unchanged = modRevisionIs(key, curKv.getModRevision());
      return effect(finalize ? null : next, cur, false).thenCompose(e -> txn(unchanged, w,
          finalize ? delete(key) : put(key, next), key, e)
          .thenCompose(t -> {
        if (t.getSucceeded()) {
          Meta.meta(next).put("resourceVersion", Long.toString(t.getHeader().getRevision()));
          return CompletableFuture.completedFuture(next);
        }
        if (!keyModifiedSince(t, curKv.getModRevision())) {
          if (!e.empty() && attempt < UPDATE_RETRIES) {
            Optional<ApiException> why = explain(e, t);
            if (why.isPresent()) {
              throw why.get();
            }
            return guaranteedUpdate(namespace, name, transform, status, pinned, w, attempt + 1);
          }
          throw fenced(name);
        }
        if (!keyExists(t)) {
          throw ApiException.notFound(info.group(), info.resource(), name);
        }
        if (pinned || attempt >= UPDATE_RETRIES) {
          throw ApiException.conflict(info.group(), info.resource(), name,
              "the object has been modified; please apply your changes to the latest version and try again");
        }
        return guaranteedUpdate(namespace, name, transform, status, pinned, w, attempt + 1);
      }));
    });
  }

  private void prepareUpdate(String namespace, String name, ObjectNode next, ObjectNode cur, boolean status) {
    checkKind(next);
    if (!Meta.name(next).equals(name)) {
      throw ApiException.badRequest("the name of the object (" + Meta.name(next) + ") does not match the name "
          + "on the URL (" + name + ")");
    }
    if (info.namespaced() && !Meta.namespace(next).isEmpty() && !Meta.namespace(next).equals(namespace)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
          + "on the request");
    }
    if (status) {
      strategy.prepareForStatusUpdate(next, cur);
    } else {
      strategy.applyDefaults(next);
      strategy.prepareForUpdate(next, cur);
    }
    ObjectNode meta = Meta.meta(next);
    ObjectNode old = Meta.meta(cur);
    if (info.namespaced()) {
      meta.put("namespace", namespace);
    }
    for (String f : new String[] {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "generation"}) {
      if (old.has(f)) {
        meta.set(f, old.get(f));
      } else {
        meta.remove(f);
      }
    }
    if (strategy.tracksGeneration() && !sameSpec(next, cur)) {
      meta.put("generation", old.path("generation").asLong(0) + 1);
    }
    validate(next, strategy.validateUpdate(next, cur));
    strategy.canonicalize(next);
  }

  private static boolean sameSpec(ObjectNode a, ObjectNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    for (ObjectNode o : List.of(x, y)) {
      o.remove("metadata");
      o.remove("status");
    }
    return x.equals(y);
  }

  private static boolean sameStored(ObjectNode a, ObjectNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    Meta.meta(x).remove("resourceVersion");
    Meta.meta(y).remove("resourceVersion");
    return x.equals(y);
  }

  /** DELETE: preconditions, then finalizers (deletionTimestamp) or removal. */
  public CompletableFuture<ObjectNode> delete(String namespace, String name, DeleteOptions opts,
      WriteOptions w) {
    CompletableFuture<Void> admitted = CompletableFuture.completedFuture(null);
    for (Admission a : admission) {
      admitted = admitted.thenCompose(v -> a.admitDelete(info, namespace, name));
    }
    return admitted.thenCompose(v -> deleteAttempt(namespace, name, opts, w, 0));
  }

  private CompletableFuture<ObjectNode> deleteAttempt(String namespace, String name, DeleteOptions opts,
      WriteOptions w, int attempt) {
    try {
      checkWritable("delete");
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    String key = info.key(namespace, name);
    return kv.get(key).thenCompose(r -> {
      if (r.getKvsCount() == 0) {
        throw ApiException.notFound(info.group(), info.resource(), name);
      }
      KeyValue curKv = r.getKvs(0);
      ObjectNode cur = decode(curKv);
      if (!opts.preconditionUid().isEmpty() && !opts.preconditionUid().equals(Meta.uid(cur))) {
        throw ApiException.conflict(info.group(), info.resource(), name, "Precondition failed: UID in "
            + "precondition: " + opts.preconditionUid() + ", UID in object meta: " + Meta.uid(cur));
      }
      if (!opts.preconditionResourceVersion().isEmpty()
          && !opts.preconditionResourceVersion().equals(Meta.resourceVersion(cur))) {
        throw ApiException.conflict(info.group(), info.resource(), name, "Precondition failed: "
            + "ResourceVersion in precondition: " + opts.preconditionResourceVersion()
            + ", ResourceVersion in object meta: " + Meta.resourceVersion(cur));
      }
      ObjectNode next = cur.deepCopy();
      List<String> finalizers = opts.finalizersFor(Meta.finalizers(cur));
      boolean finalizersChanged = !new HashSet<>(finalizers).equals(new HashSet<>(
          Meta.finalizers(cur)));
      if (finalizersChanged) {
        ArrayNode arr = Meta.meta(next).putArray("finalizers");
        finalizers.forEach(arr::add);
      }
      boolean pending = !finalizers.isEmpty() || strategy.deletionPending(next);
      Compare unchanged = modRevisionIs(key, curKv.getModRevision());
      if (pending) {
        if (Meta.deleting(cur) && !finalizersChanged) {
          return CompletableFuture.completedFuture(cur);
        }
        if (!Meta.deleting(next)) {
          markDeleting(next);
          strategy.prepareForPendingDeletion(next);
        }
        if (w.dryRun()) {
          return CompletableFuture.completedFuture(next);
        }
        return txn(unchanged, w, put(key, next), key, WriteEffect.Effect.NONE).thenCompose(t -> {
          if (t.getSucceeded()) {
            Meta.meta(next).put("resourceVersion", Long.toString(t.getHeader().getRevision()));
            return CompletableFuture.completedFuture(next);
          }
          return retryDelete(t, curKv, namespace, name, opts, w, attempt);
        });
      }
      if (w.dryRun()) {
        return CompletableFuture.completedFuture(deletedResult(cur));
      }
      return effect(null, cur, false).thenCompose(e -> txn(unchanged, w, delete(key), key, e).thenCompose(t -> {
        if (t.getSucceeded()) {
          return CompletableFuture.completedFuture(deletedResult(cur));
        }
        if (!e.empty() && !keyModifiedSince(t, curKv.getModRevision())) {
          Optional<ApiException> why = explain(e, t);
          if (why.isPresent()) {
            throw why.get();
          }
        }
        return retryDelete(t, curKv, namespace, name, opts, w, attempt);
      }));
    });
  }

  /** kube-apiserver's markAsDeleting for a resource without graceful deletion. */
  private void markDeleting(ObjectNode obj) {
    ObjectNode meta = Meta.meta(obj);
    if (meta.path("generation").asLong() > 0) {
      meta.put("generation", meta.get("generation").asLong() + 1);
    }
    meta.put("deletionTimestamp", Meta.timestamp(clock.instant()));
    meta.put("deletionGracePeriodSeconds", 0);
  }

  private CompletableFuture<ObjectNode> retryDelete(TxnResponse t, KeyValue curKv, String namespace,
      String name, DeleteOptions opts, WriteOptions w, int attempt) {
    if (!keyModifiedSince(t, curKv.getModRevision())) {
      if (t.getResponsesCount() > 1 && attempt < UPDATE_RETRIES) {
        // the object's own compare held: a write effect's did not (state moved under us); try again
        return deleteAttempt(namespace, name, opts, w, attempt + 1);
      }
      throw fenced(name);
    }
    if (!keyExists(t)) {
      throw ApiException.notFound(info.group(), info.resource(), name);
    }
    if (attempt >= UPDATE_RETRIES) {
      throw ApiException.conflict(info.group(), info.resource(), name, "the object keeps changing");
    }
    return deleteAttempt(namespace, name, opts, w, attempt + 1);
  }

  private ObjectNode deletedResult(ObjectNode cur) {
    if (strategy.returnDeletedObject()) {
      return cur;
    }
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details").put("name", Meta.name(cur));
    if (!info.group().isEmpty()) {
      details.put("group", info.group());
    }
    details.put("kind", info.resource()).put("uid", Meta.uid(cur));
    return status;
  }

  /** DELETE on the collection: deletes every object the selectors match; answers with the list of them. */
  public CompletableFuture<ObjectNode> deleteCollection(String namespace, ListOptions opts, DeleteOptions del,
      WriteOptions w) {
    try {
      checkWritable("deletecollection");
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    ListOptions all = new ListOptions(opts.labels(), opts.fields(), 0, "", "", "", false, 0);
    return list(namespace, all).thenCompose(list -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      ArrayNode deleted = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : list.get("items")) {
        ObjectNode o = (ObjectNode) item;
        chain = chain.thenCompose(v -> delete(Meta.namespace(o), Meta.name(o), del, w)
            .handle((res, err) -> {
              if (err == null) {
                deleted.add(o);
              } else if (ApiException.of(err).code() != 404) {
                throw ApiException.of(err);
              }
              return null;
            }));
      }
      return chain.thenApply(v -> {
        list.set("items", deleted);
        return list;
      });
    });
  }

  private CompletableFuture<TxnResponse> txn(Compare own, WriteOptions w, RequestOp op, String key,
      WriteEffect.Effect effect) {
    List<Compare> compares = new ArrayList<>();
    compares.add(own);
    compares.addAll(effect.compares());
    compares.addAll(w.extraCompares());
    List<RequestOp> ops = new ArrayList<>();
    ops.add(op);
    ops.addAll(effect.ops());
    List<RequestOp> reads = new ArrayList<>();
    reads.add(read(key));
    effect.reads().forEach(k -> reads.add(read(k)));
    return kv.txn(compares, ops, reads);
  }

  private static RequestOp read(String key) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(EtcdKv.bytes(key))).build();
  }

  private RequestOp put(String key, ObjectNode obj) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(EtcdKv.bytes(key))
        .setValue(encode(obj))).build();
  }

  private static RequestOp delete(String key) {
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(EtcdKv.bytes(key))).build();
  }

  private static Compare modRevisionIs(String key, long rev) {
    return Compare.newBuilder().setKey(EtcdKv.bytes(key)).setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL).setModRevision(rev).build();
  }

  private static boolean keyExists(TxnResponse failed) {
    return failed.getResponsesCount() > 0 && failed.getResponses(0).getResponseRange().getKvsCount() > 0;
  }

  private static boolean keyModifiedSince(TxnResponse failed, long modRevision) {
    return !keyExists(failed)
        || failed.getResponses(0).getResponseRange().getKvs(0).getModRevision() != modRevision;
  }

  private ApiException fenced(String name) {
    return ApiException.conflict(info.group(), info.resource(), name,
        "a write condition of the request (fencing) did not hold");
  }
}
