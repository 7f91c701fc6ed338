package io.trireme.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Removes the fields a kind does not have (as decoding into the Go type would) and reports their paths, so
 * {@code fieldValidation=Strict} can reject them and {@code Warn} can warn about them. A value of the wrong JSON
 * type (a bool for a string, a string for an integer...) is 400 BadRequest whatever the field validation, as
 * Go's decoding fails in kube-apiserver.
 */
public final class FieldPruner {
  private FieldPruner() {}

  /** Prunes {@code obj} (a whole object of the kind {@code type}); returns the unknown field paths. */
  public static List<String> prune(ObjectNode obj, Descriptor type) {
    List<String> unknown = new ArrayList<>();
    try {
      walk(obj, type, "", "", unknown, true);
    } catch (WrongType e) {
      String apiVersion = obj.path("apiVersion").asText();
      throw ApiException.badRequest(type.getName() + " in version \"" + apiVersion.substring(apiVersion.indexOf('/')
          + 1) + "\" cannot be handled as a " + type.getName() + ": json: cannot unmarshal " + e.getMessage());
    }
    return unknown;
  }

  /** A value whose JSON type the field's Go type cannot take; the message is Go's, after "cannot unmarshal". */
  private static final class WrongType extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongType(JsonNode value, Descriptor owner, String goPath, String goType) {
      super(jsonType(value) + " into Go struct field " + owner.getName() + "." + goPath + " of type " + goType,
          null, false, false);
    }
  }

  private static String jsonType(JsonNode v) {
    return switch (v.getNodeType()) {
      case BOOLEAN -> "bool";
      case NUMBER -> v.isIntegralNumber() ? "number" : "number " + v.asText();
      case STRING -> "string";
      case ARRAY -> "array";
      default -> "object";
    };
  }

  private static String goType(FieldDescriptor f) {
    return f.isMapField() ? "map[string]" + elemType(f.getMessageType().findFieldByName("value"))
        : f.isRepeated() ? "[]" + elemType(f) : elemType(f);
  }

  /** The Go type of one value of the field (the element of a slice). */
  private static String elemType(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case STRING, BYTE_STRING -> "string";
      case BOOLEAN -> "bool";
      case INT -> "int32";
      case LONG -> "int64";
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      default -> "v1." + f.getMessageType().getName();
    };
  }

  /** Whether a JSON value fits a scalar field (null always does: Go leaves the zero value). */
  private static boolean fitsScalar(JsonNode v, FieldDescriptor f) {
    return v.isNull() || switch (f.getJavaType()) {
      case STRING, BYTE_STRING -> v.isTextual();
      case BOOLEAN -> v.isBoolean();
      case INT, LONG -> v.isIntegralNumber();
      case FLOAT, DOUBLE -> v.isNumber();
      default -> true;
    };
  }

  private static void checkScalar(JsonNode v, Descriptor owner, String goPath, FieldDescriptor f) {
    if (!fitsScalar(v, f)) {
      throw new WrongType(v, owner, goPath, elemType(f));
    }
  }

  private static void walk(ObjectNode node, Descriptor type, String path, String goPath, List<String> unknown,
      boolean top) {
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
      JsonNode v = e.getValue();
      String g = goPath.isEmpty() ? name : goPath + "." + name;
      if (v.isNull()) {
        continue;
      }
      if (f.isMapField()) {
        if (!v.isObject()) {
          throw new WrongType(v, type, g, goType(f));
        }
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          v.forEach(item -> checkScalar(item, type, g, value));
        } else if (!ProtoTypes.isLeaf(value.getMessageType())) {
          v.fields().forEachRemaining(me -> {
            if (me.getValue() instanceof ObjectNode o) {
              walk(o, value.getMessageType(), p + "." + me.getKey(), g, unknown, false);
            }
          });
        }
        continue;
      }
      if (f.isRepeated() && !v.isArray()) {
        throw new WrongType(v, type, g, goType(f));
      }
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        for (JsonNode item : f.isRepeated() ? v : List.of(v)) {
          checkScalar(item, type, g, f);
        }
        continue;
      }
      Descriptor child = f.getMessageType();
      if (ProtoTypes.isLeaf(child)) {
        continue;
      }
      if (f.isRepeated()) {
        int i = 0;
        for (JsonNode item : v) {
          if (item instanceof ObjectNode o) {
            walk(o, child, p + "[" + i + "]", g, unknown, false);
          } else if (!item.isNull()) {
            throw new WrongType(item, type, g, elemType(f));
          }
          i++;
        }
      } else if (v instanceof ObjectNode o) {
        walk(o, child, p, g, unknown, false);
      } else {
        throw new WrongType(v, type, g, goType(f));
      }
    }
  }
}
