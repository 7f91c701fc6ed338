package io.trireme.apiserver.registry.generic.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over a Jackson tree. */
public final class JsonPatch {
  private JsonPatch() {}

  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw ApiException.badRequest("a JSON patch must be a list of operations");
    }
    JsonNode doc = target.deepCopy();
    for (JsonNode op : patch) {
      String kind = op.path("op").asText();
      String path = op.path("path").asText(null);
      if (path == null) {
        throw fail(patch, "operation has no path: " + op);
      }
      doc = switch (kind) {
        case "add" -> add(doc, path, value(op, patch), patch);
        case "remove" -> remove(doc, path, patch);
        case "replace" -> add(remove(doc, path, patch), path, value(op, patch), patch);
        case "move" -> {
          String from = op.path("from").asText();
          JsonNode v = get(doc, from, patch);
          yield add(remove(doc, from, patch), path, v, patch);
        }
        case "copy" -> add(doc, path, get(doc, op.path("from").asText(), patch).deepCopy(), patch);
        case "test" -> {
          if (!get(doc, path, patch).equals(value(op, patch))) {
            throw fail(patch, "testing value " + path + " failed");
          }
          yield doc;
        }
        default -> throw fail(patch, "unexpected kind: " + kind);
      };
    }
    return doc;
  }

  private static JsonNode value(JsonNode op, JsonNode patch) {
    if (!op.has("value")) {
      throw fail(patch, "missing value in " + op);
    }
    return op.get("value").deepCopy();
  }

  private static List<String> tokens(String path, JsonNode patch) {
    if (path.isEmpty()) {
      return List.of();
    }
    if (!path.startsWith("/")) {
      throw fail(patch, "invalid JSON pointer: " + path);
    }
    List<String> out = new ArrayList<>();
    for (String t : path.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String path, JsonNode patch) {
    JsonNode cur = doc;
    for (String t : tokens(path, patch)) {
      cur = child(cur, t);
      if (cur == null) {
        throw fail(patch, "path " + path + " does not exist");
      }
    }
    return cur;
  }

  private static JsonNode child(JsonNode node, String token) {
    if (node instanceof ObjectNode o) {
      return o.get(token);
    }
    if (node instanceof ArrayNode a) {
      int i = index(token, a.size() - 1);
      return i < 0 ? null : a.get(i);
    }
    return null;
  }

  private static int index(String token, int max) {
    try {
      int i = Integer.parseInt(token);
      return i >= 0 && i <= max && (token.equals("0") || !token.startsWith("0")) ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode add(JsonNode doc, String path, JsonNode value, JsonNode patch) {
    List<String> toks = tokens(path, patch);
    if (toks.isEmpty()) {
      return value;
    }
    JsonNode parent = get(doc, parentPath(path), patch);
    String last = toks.get(toks.size() - 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else {
        int i = index(last, a.size());
        if (i < 0) {
          throw fail(patch, "index out of range in " + path);
        }
        a.insert(i, value);
      }
    } else {
      throw fail(patch, "cannot add at " + path);
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String path, JsonNode patch) {
    List<String> toks = tokens(path, patch);
    if (toks.isEmpty()) {
      throw fail(patch, "cannot remove the whole document");
    }
    JsonNode parent = get(doc, parentPath(path), patch);
    String last = toks.get(toks.size() - 1);
    if (parent instanceof ObjectNode o && o.has(last)) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a && index(last, a.size() - 1) >= 0) {
      a.remove(index(last, a.size() - 1));
    } else {
      throw fail(patch, "unable to remove nonexistent key: " + path);
    }
    return doc;
  }

  private static String parentPath(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  private static ApiException fail(JsonNode patch, String why) {
    return ApiException.invalid("", "", "", List.of(new Cause("FieldValueInvalid", "patch", why)));
  }
}
