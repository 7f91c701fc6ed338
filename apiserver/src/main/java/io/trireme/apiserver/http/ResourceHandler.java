package io.trireme.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.trireme.apiserver.WriteCondition;
import io.trireme.apiserver.auth.UserInfo;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.DeleteOptions;
import io.trireme.apiserver.registry.generic.FieldSelector;
import io.trireme.apiserver.registry.generic.FieldValidation;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.LabelSelector;
import io.trireme.apiserver.registry.generic.ListOptions;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.Review;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.registry.generic.patch.PatchType;
import io.trireme.apiserver.status.ApiException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The verbs on {@code /api/v1/...} and {@code /apis/<group>/<version>/...}: routing to the store and output negotiation. */
public final class ResourceHandler {
  private static final String TABLE_CT = "application/json;as=Table;v=v1;g=meta.k8s.io";

  private final Registry registry;
  private final WriteCondition writeCondition;
  private final Clock clock;

  public ResourceHandler(Registry registry, WriteCondition writeCondition, Clock clock) {
    this.registry = registry;
    this.writeCondition = writeCondition;
    this.clock = clock;
  }

  /** The parsed resource part of a path. */
  private record Target(GenericStore store, String namespace, String name, String subresource) {}

  /** @param segs path segments after the group/version prefix. */
  void handle(Exchange ex, UserInfo user, String group, String version, List<String> segs) {
    Target t = target(group, version, segs);
    ResourceInfo info = t.store().info();
    String deprecatedIn = t.store().strategy().deprecatedIn();
    if (!deprecatedIn.isEmpty()) {
      ex.warn(info.apiVersion() + " " + info.kind() + " is deprecated in v" + deprecatedIn + "+");
    }
    Optional<Review> review = t.store().strategy().review();
    if (review.isPresent()) {
      if (!ex.method.name().equals("POST") || t.name() != null) {
        throw ApiException.methodNotSupported(info.resource(), ex.method.name());
      }
      ObjectNode posted = Json.decodeObject(ex.headers.get(HttpHeaderNames.CONTENT_TYPE), ex.body);
      ObjectNode answer = review.get().answer(posted, user);
      answer.put("kind", info.kind()).put("apiVersion", info.apiVersion());
      ex.json(201, answer, Exchange.JSON);
      return;
    }
    WriteOptions w = new WriteOptions(dryRun(ex), writeCondition.compares(user),
        FieldValidation.of(ex.param("fieldValidation")), ex::warn);
    PostSubresource post = t.store().strategy().postSubresources().get(t.subresource());
    if (post != null && t.name() != null) {
      if (!ex.method.name().equals("POST")) {
        throw ApiException.methodNotSupported(info.resource() + "/" + t.subresource(), ex.method.name());
      }
      ObjectNode body = Json.decodeObject(ex.headers.get(HttpHeaderNames.CONTENT_TYPE), ex.body);
      answer(ex, 201, post.post(t.store(), registry, t.namespace(), t.name(), body, w), t.store(), false);
      return;
    }
    if (t.subresource().equals("scale") && t.store().strategy().hasScale() && t.name() != null) {
      scale(ex, t.store(), t, w);
      return;
    }
    if (!t.subresource().isEmpty() && !(t.subresource().equals("status") && info.hasStatus())) {
      throw ApiException.notFoundPath();
    }
    boolean status = t.subresource().equals("status");
    GenericStore store = t.store();
    String method = ex.method.name();
    if (t.name() == null) {
      switch (method) {
        case "GET" -> {
          ListOptions opts = listOptions(ex);
          if (ex.flag("watch")) {
            watch(ex, store, t.namespace(), opts);
          } else {
            answer(ex, 200, store.list(t.namespace(), opts), store, true);
          }
        }
        case "POST" -> {
          ObjectNode body = Json.decodeObject(ex.headers.get(HttpHeaderNames.CONTENT_TYPE), ex.body);
          answer(ex, 201, store.create(t.namespace(), body, w), store, false);
        }
        case "DELETE" -> answer(ex, 200, store.deleteCollection(t.namespace(), listOptions(ex),
            deleteOptions(ex), w), store, false);
        default -> throw ApiException.methodNotSupported(info.resource(), method);
      }
      return;
    }
    switch (method) {
      case "GET" -> answer(ex, 200, store.get(t.namespace(), t.name()), store, false);
      case "PUT" -> {
        ObjectNode body = Json.decodeObject(ex.headers.get(HttpHeaderNames.CONTENT_TYPE), ex.body);
        answer(ex, 200, store.update(t.namespace(), t.name(), body, status, w), store, false);
      }
      case "PATCH" -> {
        String ct = ex.headers.get(HttpHeaderNames.CONTENT_TYPE);
        PatchType type = PatchType.of(ct);
        JsonNode patch = Json.decodeBody(ct, ex.body);
        answer(ex, 200, store.patch(t.namespace(), t.name(), type, patch, status, w), store, false);
      }
      case "DELETE" -> {
        if (status) {
          throw ApiException.methodNotSupported(info.resource() + "/status", method);
        }
        answer(ex, 200, store.delete(t.namespace(), t.name(), deleteOptions(ex), w), store, false);
      }
      default -> throw ApiException.methodNotSupported(info.resource(), method);
    }
  }

  /** The {@code scale} subresource: GET, PUT (a Scale, Content-Type optional) and PATCH (of the Scale). */
  private void scale(Exchange ex, GenericStore store, Target t, WriteOptions w) {
    String ct = ex.headers.get(HttpHeaderNames.CONTENT_TYPE);
    CompletableFuture<ObjectNode> result = switch (ex.method.name()) {
      case "GET" -> store.getScale(t.namespace(), t.name());
      case "PUT" -> {
        ObjectNode body = Json.decodeObject(ct, ex.body);
        yield store.updateScale(t.namespace(), t.name(), cur -> body, w);
      }
      case "PATCH" -> {
        PatchType type = PatchType.of(ct);
        JsonNode patch = Json.decodeBody(ct, ex.body);
        yield store.updateScale(t.namespace(), t.name(), cur -> {
          ObjectNode out = type.apply(cur, patch, io.trireme.apiserver.registry.generic.patch.PatchMeta.OBJECT_META);
          if (!patch.path("metadata").hasNonNull("resourceVersion")) {
            Meta.meta(out).remove("resourceVersion");
          }
          return out;
        }, w);
      }
      default -> throw ApiException.methodNotSupported(store.info().resource() + "/scale", ex.method.name());
    };
    result.whenComplete((obj, err) -> {
      if (err != null) {
        ex.fail(err);
      } else {
        ex.json(200, obj, Exchange.JSON);
      }
    });
  }

  private Target target(String group, String version, List<String> segs) {
    if (segs.isEmpty()) {
      throw ApiException.notFoundPath();
    }
    if (segs.get(0).equals("namespaces") && segs.size() >= 3) {
      GenericStore inner = registry.store(group, version, segs.get(2)).orElse(null);
      if (inner != null && inner.info().namespaced()) {
        if (segs.size() > 5) {
          throw ApiException.notFoundPath();
        }
        return new Target(inner, segs.get(1), segs.size() > 3 ? segs.get(3) : null,
            segs.size() > 4 ? segs.get(4) : "");
      }
    }
    GenericStore store = registry.store(group, version, segs.get(0)).orElseThrow(ApiException::notFoundPath);
    if (segs.size() > 3 || (store.info().namespaced() && segs.size() > 1)) {
      throw ApiException.notFoundPath();
    }
    return new Target(store, "", segs.size() > 1 ? segs.get(1) : null, segs.size() > 2 ? segs.get(2) : "");
  }

  private static boolean dryRun(Exchange ex) {
    List<String> dr = new ArrayList<>(ex.params("dryRun"));
    if (ex.body.length > 0 && ex.method.name().equals("DELETE")) {
      try {
        Json.decodeBody(ex.headers.get(HttpHeaderNames.CONTENT_TYPE), ex.body).path("dryRun")
            .forEach(v -> dr.add(v.asText()));
      } catch (ApiException ignored) {
        // an undecodable delete body is reported by deleteOptions
      }
    }
    for (String v : dr) {
      if (!v.equals("All")) {
        throw ApiException.badRequest("Invalid dry run value: \"" + v + "\": supported values: \"All\"");
      }
    }
    return !dr.isEmpty();
  }

  private static DeleteOptions deleteOptions(Exchange ex) {
    JsonNode body = ex.body.length == 0 ? null : Json.decodeBody(ex.headers.get(HttpHeaderNames.CONTENT_TYPE),
        ex.body);
    return DeleteOptions.of(body, ex.param("propagationPolicy"), ex.param("gracePeriodSeconds"));
  }

  private static ListOptions listOptions(Exchange ex) {
    long limit = parseLong(ex.param("limit"), "limit");
    long timeout = parseLong(ex.param("timeoutSeconds"), "timeoutSeconds");
    return new ListOptions(LabelSelector.parse(ex.param("labelSelector")),
        FieldSelector.parse(ex.param("fieldSelector")), limit, ex.param("continue"), ex.param("resourceVersion"),
        ex.param("resourceVersionMatch"), ex.flag("allowWatchBookmarks"), timeout);
  }

  private static long parseLong(String v, String name) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + ": \"" + v + "\"");
    }
  }

  /** The chosen response form: Table or plain JSON (406 when the client accepts neither). */
  private record Form(boolean table, boolean includeObject) {}

  private static Form form(Exchange ex) {
    boolean includeObject = "Object".equals(ex.param("includeObject"));
    for (MediaType mt : ex.accept()) {
      if (mt.is("application/json", "meta.k8s.io", "v1", "Table")
          || mt.is("application/json", "meta.k8s.io", "v1beta1", "Table")) {
        return new Form(true, includeObject);
      }
      if (mt.acceptsJson()) {
        return new Form(false, false);
      }
    }
    throw ApiException.notAcceptable("only the following media types are accepted: application/json, "
        + TABLE_CT);
  }

  private void answer(Exchange ex, int code, CompletableFuture<ObjectNode> result, GenericStore store,
      boolean isList) {
    Form form = code == 200 && ex.method.name().equals("GET") ? form(ex) : new Form(false, false);
    result.whenComplete((obj, err) -> {
      if (err != null) {
        ex.fail(err);
        return;
      }
      if (!form.table() || !obj.path("kind").asText().equals(isList ? store.info().listKind()
          : store.info().kind())) {
        ex.json(code, obj, Exchange.JSON);
        return;
      }
      List<ObjectNode> items = new ArrayList<>();
      String rv;
      String cont = null;
      if (isList) {
        obj.get("items").forEach(i -> items.add((ObjectNode) i));
        rv = obj.path("metadata").path("resourceVersion").asText();
        cont = obj.path("metadata").path("continue").asText(null);
      } else {
        items.add(obj);
        rv = obj.path("metadata").path("resourceVersion").asText();
      }
      ex.json(code, Tables.table(store.strategy(), items, rv, cont, clock.instant(), true,
          form.includeObject()), TABLE_CT);
    });
  }

  private void watch(Exchange ex, GenericStore store, String namespace, ListOptions opts) {
    Form form = form(ex);
    WatchStream stream = new WatchStream(ex, store.strategy(), form.table(), form.includeObject(), clock);
    store.checkWatch(opts);
    if (!stream.claim(form.table() ? TABLE_CT : Exchange.JSON)) {
      return;
    }
    AutoCloseable handle;
    try {
      handle = store.watch(namespace, opts, stream); // the head goes out once the cache has registered it
    } catch (RuntimeException e) {
      stream.error(ApiException.of(e));
      return;
    }
    ex.ctx.channel().closeFuture().addListener(f -> closeQuietly(handle));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a watch only releases its store stream
    }
  }
}
