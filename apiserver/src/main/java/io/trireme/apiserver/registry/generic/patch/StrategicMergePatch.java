package io.trireme.apiserver.registry.generic.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes strategic merge patch: maps merge recursively, lists with a patch merge key merge by that key,
 * primitive lists with strategy merge are unioned, other lists are replaced; the directives {@code $patch}
 * (replace/delete/merge), {@code $retainKeys}, {@code $setElementOrder/<f>} and
 * {@code $deleteFromPrimitiveList/<f>} are honoured.
 */
public final class StrategicMergePatch {
  private static final String PATCH = "$patch";
  private static final String RETAIN = "$retainKeys";
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

  private StrategicMergePatch() {}

  public static ObjectNode apply(ObjectNode original, ObjectNode patch, PatchMeta meta) {
    ObjectNode merged = mergeMap(original.deepCopy(), patch, meta, "");
    return merged == null ? JsonNodeFactory.instance.objectNode() : merged;
  }

  private static ObjectNode mergeMap(ObjectNode orig, ObjectNode patch, PatchMeta meta, String path) {
    JsonNode directive = patch.get(PATCH);
    if (directive != null) {
      switch (directive.asText()) {
        case "replace" -> {
          ObjectNode copy = patch.deepCopy();
          copy.remove(PATCH);
          return mergeMap(JsonNodeFactory.instance.objectNode(), copy, meta, path);
        }
        case "delete" -> {
          return null;
        }
        case "merge" -> { }
        default -> throw ApiException.badRequest("unknown patch type: " + directive.asText());
      }
    }
    JsonNode retain = patch.get(RETAIN);
    if (retain != null) {
      if (!retain.isArray()) {
        throw ApiException.badRequest("$retainKeys must be a list");
      }
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      List<String> names = new ArrayList<>();
      orig.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (!keep.contains(n)) {
          orig.remove(n);
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith(DELETE_PRIMITIVE)) {
        String field = e.getKey().substring(DELETE_PRIMITIVE.length());
        JsonNode list = orig.get(field);
        if (list instanceof ArrayNode arr && e.getValue().isArray()) {
          Set<JsonNode> drop = new HashSet<>();
          e.getValue().forEach(drop::add);
          ArrayNode kept = JsonNodeFactory.instance.arrayNode();
          arr.forEach(x -> {
            if (!drop.contains(x)) {
              kept.add(x);
            }
          });
          orig.set(field, kept);
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.equals(PATCH) || k.equals(RETAIN) || k.startsWith(ORDER) || k.startsWith(DELETE_PRIMITIVE)) {
        continue;
      }
      String child = path.isEmpty() ? k : path + "." + k;
      JsonNode v = e.getValue();
      JsonNode o = orig.get(k);
      if (v.isNull()) {
        orig.remove(k);
      } else if (v instanceof ObjectNode vo) {
        ObjectNode base = o instanceof ObjectNode oo ? oo : JsonNodeFactory.instance.objectNode();
        ObjectNode merged = mergeMap(base, vo, meta, child);
        if (merged == null) {
          orig.remove(k);
        } else {
          orig.set(k, merged);
        }
      } else if (v instanceof ArrayNode va) {
        ArrayNode base = o instanceof ArrayNode oa ? oa : JsonNodeFactory.instance.arrayNode();
        orig.set(k, mergeList(base, va, meta, child));
      } else {
        orig.set(k, v);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith(ORDER)) {
        String field = e.getKey().substring(ORDER.length());
        String child = path.isEmpty() ? field : path + "." + field;
        if (orig.get(field) instanceof ArrayNode arr && e.getValue() instanceof ArrayNode order) {
          orig.set(field, reorder(arr, order, meta.mergeKey(child).orElse("")));
        }
      }
    }
    return orig;
  }

  private static ArrayNode mergeList(ArrayNode orig, ArrayNode patch, PatchMeta meta, String path) {
    for (JsonNode e : patch) {
      if (e.isObject() && "replace".equals(e.path(PATCH).asText()) && e.size() == 1) {
        ArrayNode rest = JsonNodeFactory.instance.arrayNode();
        patch.forEach(x -> {
          if (x != e) {
            rest.add(clean(x, meta, path));
          }
        });
        return rest;
      }
    }
    Optional<String> strategy = meta.mergeKey(path);
    if (strategy.isEmpty()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      patch.forEach(x -> out.add(clean(x, meta, path)));
      return out;
    }
    String key = strategy.get();
    ArrayNode result = orig.deepCopy();
    if (key.isEmpty()) {
      for (JsonNode e : patch) {
        if (!contains(result, e)) {
          result.add(e);
        }
      }
      return result;
    }
    for (JsonNode e : patch) {
      if (!(e instanceof ObjectNode eo)) {
        throw ApiException.badRequest("a list with merge key \"" + key + "\" at " + path + " must hold maps");
      }
      JsonNode kv = eo.get(key);
      if ("delete".equals(eo.path(PATCH).asText())) {
        for (int i = result.size() - 1; i >= 0; i--) {
          if (kv != null && kv.equals(result.get(i).get(key))) {
            result.remove(i);
          }
        }
        continue;
      }
      if (kv == null) {
        throw ApiException.badRequest("map: " + eo + " does not contain declared merge key: " + key);
      }
      int idx = indexOf(result, key, kv);
      if (idx >= 0 && result.get(idx) instanceof ObjectNode existing) {
        ObjectNode merged = mergeMap(existing, eo, meta, path);
        if (merged == null) {
          result.remove(idx);
        } else {
          result.set(idx, merged);
        }
      } else {
        ObjectNode added = mergeMap(JsonNodeFactory.instance.objectNode(), eo, meta, path);
        if (added != null) {
          result.add(added);
        }
      }
    }
    return result;
  }

  private static JsonNode clean(JsonNode n, PatchMeta meta, String path) {
    if (n instanceof ObjectNode o) {
      ObjectNode c = mergeMap(JsonNodeFactory.instance.objectNode(), o, meta, path);
      return c == null ? JsonNodeFactory.instance.objectNode() : c;
    }
    return n;
  }

  private static boolean contains(ArrayNode arr, JsonNode e) {
    for (JsonNode x : arr) {
      if (x.equals(e)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(ArrayNode arr, String key, JsonNode value) {
    for (int i = 0; i < arr.size(); i++) {
      if (value.equals(arr.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  /** Items named in {@code order} first, in that order; the rest keep their relative order after them. */
  private static ArrayNode reorder(ArrayNode arr, ArrayNode order, String key) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    Set<Integer> used = new HashSet<>();
    for (JsonNode o : order) {
      JsonNode want = key.isEmpty() ? o : o.get(key);
      for (int i = 0; i < arr.size(); i++) {
        JsonNode have = key.isEmpty() ? arr.get(i) : arr.get(i).get(key);
        if (!used.contains(i) && want != null && want.equals(have)) {
          out.add(arr.get(i));
          used.add(i);
          break;
        }
      }
    }
    for (int i = 0; i < arr.size(); i++) {
      if (!used.contains(i)) {
        out.add(arr.get(i));
      }
    }
    return out;
  }
}
