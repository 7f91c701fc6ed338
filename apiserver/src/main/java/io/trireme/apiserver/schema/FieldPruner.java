package io.trireme.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Removes the fields a kind does not have (as decoding into the Go type would) and reports their paths, so
 * {@code fieldValidation=Strict} can reject them and {@code Warn} can warn about them.
 */
public final class FieldPruner {
  private FieldPruner() {}

  /** Prunes {@code obj} (a whole object of the kind {@code type}); returns the unknown field paths. */
  public static List<String> prune(ObjectNode obj, Descriptor type) {
    List<String> unknown = new ArrayList<>();
    walk(obj, type, "", unknown, true);
    return unknown;
  }

  private static void walk(ObjectNode node, Descriptor type, String path, List<String> unknown, boolean top) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (top && (name.equals("apiVersion") || name.equals("kind"))) {
        continue;
      }
      FieldDescriptor f = type.findFieldByName(name);
      String p = path.isEmpty() ? name : path + "." + name;
      if (f == null) {
        unknown.add(p);
        it.remove();
        continue;
      }
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || e.getValue().isNull()) {
        continue;
      }
      if (f.isMapField()) {
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !ProtoTypes.isLeaf(value.getMessageType())) {
          e.getValue().fields().forEachRemaining(me -> {
            if (me.getValue() instanceof ObjectNode o) {
              walk(o, value.getMessageType(), p + "." + me.getKey(), unknown, false);
            }
          });
        }
        continue;
      }
      Descriptor child = f.getMessageType();
      if (ProtoTypes.isLeaf(child)) {
        continue;
      }
      if (f.isRepeated()) {
        int i = 0;
        for (JsonNode item : e.getValue()) {
          if (item instanceof ObjectNode o) {
            walk(o, child, p + "[" + i + "]", unknown, false);
          }
          i++;
        }
      } else if (e.getValue() instanceof ObjectNode o) {
        walk(o, child, p, unknown, false);
      }
    }
  }
}
