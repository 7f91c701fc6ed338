package io.trireme.apiserver.registry.generic.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** RFC 7386 JSON Merge Patch. */
public final class MergePatch {
  private MergePatch() {}

  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!(patch instanceof ObjectNode po)) {
      return patch.deepCopy();
    }
    ObjectNode out = target instanceof ObjectNode to ? to.deepCopy() : JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = po.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        JsonNode cur = out.get(e.getKey());
        out.set(e.getKey(), apply(cur == null ? JsonNodeFactory.instance.nullNode() : cur, e.getValue()));
      }
    }
    return out;
  }
}
