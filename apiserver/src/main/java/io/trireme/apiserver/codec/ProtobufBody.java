package io.trireme.apiserver.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import io.trireme.apiserver.schema.ProtoTypes;
import io.trireme.apiserver.status.ApiException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Decodes Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}: the magic
 * {@code k8s\0} and a {@code runtime.Unknown} envelope) into the same JSON tree a JSON body gives, using the
 * message descriptors of the generated Kubernetes types and their JSON conventions (Time, IntOrString,
 * Quantity, RawExtension). Go writes every non-pointer field, so empty strings and zero times are dropped,
 * as Go's {@code omitempty} JSON would.
 */
public final class ProtobufBody {
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String META_PKG = ProtoTypes.META_PKG;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ProtobufBody() {}

  public static ObjectNode decode(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw ApiException.badRequest("protobuf body does not start with the Kubernetes magic prefix");
    }
    Runtime.Unknown unknown;
    try {
      unknown = Runtime.Unknown.parseFrom(ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("malformed protobuf envelope: " + e.getMessage());
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    Descriptor type = ProtoTypes.kind(apiVersion, kind).orElse(null);
    if (type == null) {
      throw ApiException.unsupportedMediaType(MEDIA_TYPE + " for " + apiVersion + "/" + kind);
    }
    try {
      ObjectNode obj = F.objectNode().put("kind", kind).put("apiVersion", apiVersion);
      obj.setAll(message(DynamicMessage.parseFrom(type, unknown.getRaw())));
      return obj;
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("malformed protobuf " + kind + ": " + e.getMessage());
    }
  }

  private static ObjectNode message(Message m) {
    ObjectNode out = F.objectNode();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.isMapField()) {
        ObjectNode map = out.putObject(f.getName());
        for (Object entry : (List<?>) e.getValue()) {
          Message me = (Message) entry;
          FieldDescriptor k = me.getDescriptorForType().findFieldByName("key");
          FieldDescriptor v = me.getDescriptorForType().findFieldByName("value");
          map.set(String.valueOf(me.getField(k)), value(v, me.getField(v)));
        }
      } else if (f.isRepeated()) {
        ArrayNode arr = out.putArray(f.getName());
        for (Object v : (List<?>) e.getValue()) {
          arr.add(value(f, v));
        }
      } else {
        JsonNode v = value(f, e.getValue());
        if (!v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
          out.set(f.getName(), v);
        }
      }
    }
    return out;
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case INT -> F.numberNode((Integer) v);
      case LONG -> F.numberNode((Long) v);
      case FLOAT -> F.numberNode((Float) v);
      case DOUBLE -> F.numberNode((Double) v);
      case BOOLEAN -> F.booleanNode((Boolean) v);
      case STRING -> F.textNode((String) v);
      case BYTE_STRING -> F.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case ENUM -> F.textNode(v.toString());
      case MESSAGE -> special((Message) v);
    };
  }

  /** Messages whose JSON form is not an object. */
  private static JsonNode special(Message m) {
    String name = m.getDescriptorForType().getFullName();
    switch (name) {
      case META_PKG + ".Time", META_PKG + ".MicroTime" -> {
        long seconds = (Long) field(m, "seconds", 0L);
        int nanos = (Integer) field(m, "nanos", 0);
        if (seconds == 0 && nanos == 0) {
          return F.nullNode();
        }
        Instant t = Instant.ofEpochSecond(seconds, name.endsWith("MicroTime") ? nanos / 1000 * 1000 : 0);
        return F.textNode(DateTimeFormatter.ISO_INSTANT.format(t));
      }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        long type = ((Number) field(m, "type", 0L)).longValue();
        return type == 0 ? F.numberNode((Integer) field(m, "intVal", 0))
            : F.textNode((String) field(m, "strVal", ""));
      }
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
        return F.textNode((String) field(m, "string", ""));
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META_PKG + ".FieldsV1" -> {
        ByteString raw = (ByteString) field(m, "raw", ByteString.EMPTY);
        try {
          return raw.isEmpty() ? F.nullNode() : Json.MAPPER.readTree(raw.toByteArray());
        } catch (IOException e) {
          throw ApiException.badRequest("embedded raw object is not JSON: " + e.getMessage());
        }
      }
      case META_PKG + ".Duration" -> {
        return F.textNode(((Long) field(m, "duration", 0L)) / 1_000_000_000L + "s");
      }
      default -> {
        return message(m);
      }
    }
  }

  private static Object field(Message m, String name, Object dflt) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    if (f == null || !m.hasField(f)) {
      return dflt;
    }
    Object v = m.getField(f);
    if (v instanceof Long l && dflt instanceof Integer) {
      return l.intValue();
    }
    return v;
  }
}
