package io.trireme.apiserver.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAPI v3 documents generated from what the server serves: {@code /openapi/v3} lists every group/version,
 * each group/version document has the resource paths (PATCH/POST/PUT with the {@code fieldValidation}
 * parameter, so kubectl validates server-side) and the schemas of the kinds, derived from the Kubernetes
 * type descriptors, with patch metadata ({@code x-kubernetes-patch-merge-key/-strategy}).
 */
public final class OpenApiV3 {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Map<String, ObjectNode> documents = new LinkedHashMap<>();
  private final Map<String, String> hashes = new HashMap<>();

  public OpenApiV3(Registry registry) {
    for (String group : registry.groups()) {
      for (String version : registry.versions(group)) {
        String path = group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
        ObjectNode doc = groupVersion(registry, group, version);
        documents.put(path, doc);
        hashes.put(path, sha256(Json.bytes(doc)));
      }
    }
  }

  /** The {@code /openapi/v3} index. */
  public ObjectNode root() {
    ObjectNode root = F.objectNode();
    ObjectNode paths = root.putObject("paths");
    documents.keySet().forEach(p -> paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p + "?hash="
        + hashes.get(p)));
    return root;
  }

  /** The group/version document paths ({@code api/v1}, {@code apis/apps/v1}, ...), in registration order. */
  public java.util.List<String> paths() {
    return java.util.List.copyOf(documents.keySet());
  }

  /** The document of {@code api/v1} or {@code apis/<group>/<version>}. */
  public Optional<ObjectNode> document(String path) {
    return Optional.ofNullable(documents.get(path));
  }

  private static ObjectNode groupVersion(Registry registry, String group, String version) {
    ObjectNode doc = F.objectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (GenericStore store : registry.resources(group, version)) {
      ResourceInfo info = store.info();
      String kindRef = kindSchema(store.strategy(), schemas);
      String base = (group.isEmpty() ? "/api/" : "/apis/" + group + "/") + version
          + (info.namespaced() ? "/namespaces/{namespace}/" : "/") + info.resource();
      ObjectNode collection = paths.putObject(base);
      if (store.strategy().review().isPresent()) {
        collection.set("post", op(info, "post", kindRef, true));
        continue;
      }
      collection.set("get", op(info, "list", kindRef, false));
      ObjectNode item = paths.putObject(base + "/{name}");
      item.set("get", op(info, "get", kindRef, false));
      if (store.strategy().computed().isPresent()) {
        continue;
      }
      collection.set("post", op(info, "post", kindRef, true));
      collection.set("delete", op(info, "deletecollection", kindRef, false));
      item.set("put", op(info, "put", kindRef, true));
      item.set("patch", op(info, "patch", kindRef, true));
      item.set("delete", op(info, "delete", kindRef, false));
      if (info.hasStatus()) {
        ObjectNode status = paths.putObject(base + "/{name}/status");
        status.set("get", op(info, "get", kindRef, false));
        status.set("put", op(info, "put", kindRef, true));
        status.set("patch", op(info, "patch", kindRef, true));
      }
    }
    return doc;
  }

  private static ObjectNode op(ResourceInfo info, String action, String kindRef, boolean write) {
    ObjectNode op = F.objectNode().put("operationId", action + info.kind());
    ArrayNode params = op.putArray("parameters");
    if (write) {
      for (String p : new String[] {"dryRun", "fieldManager", "fieldValidation"}) {
        params.addObject().put("name", p).put("in", "query").putObject("schema").put("type", "string");
      }
      ObjectNode content = op.putObject("requestBody").putObject("content");
      if (action.equals("patch")) {
        for (String mt : new String[] {"application/json-patch+json", "application/merge-patch+json"}) {
          content.putObject(mt).putObject("schema").put("type", "object");
        }
      } else {
        content.putObject("application/json").putObject("schema").put("$ref", kindRef);
        content.putObject("application/yaml").putObject("schema").put("$ref", kindRef);
      }
    }
    op.putObject("responses").putObject("200").put("description", "OK").putObject("content")
        .putObject("application/json").putObject("schema").put("$ref", kindRef);
    op.put("x-kubernetes-action", action);
    op.putObject("x-kubernetes-group-version-kind").put("group", info.group()).put("version", info.version())
        .put("kind", info.kind());
    return op;
  }

  /** Adds the schemas of a kind (and every type it uses); returns its $ref. */
  private static String kindSchema(ResourceStrategy strategy, ObjectNode schemas) {
    ResourceInfo info = strategy.info();
    Optional<Descriptor> type = ProtoTypes.kind(info.apiVersion(), info.kind());
    ObjectNode schema;
    String name;
    if (type.isPresent()) {
      name = ProtoTypes.definitionName(type.get());
      Map<String, Map<String, String>> patchMeta = patchMetadata(type.get(), strategy);
      Deque<Descriptor> todo = new ArrayDeque<>();
      todo.add(type.get());
      while (!todo.isEmpty()) {
        Descriptor d = todo.poll();
        String defName = ProtoTypes.definitionName(d);
        if (!schemas.has(defName)) {
          schemas.set(defName, message(d, todo, patchMeta.getOrDefault(d.getFullName(), Map.of())));
        } else if (patchMeta.containsKey(d.getFullName())) {
          addPatchMeta((ObjectNode) schemas.get(defName), patchMeta.get(d.getFullName()));
        }
      }
      schema = (ObjectNode) schemas.get(name);
      ObjectNode props = (ObjectNode) schema.get("properties");
      props.putObject("apiVersion").put("type", "string");
      props.putObject("kind").put("type", "string");
    } else {
      name = "io.k8s.api." + (info.group().isEmpty() ? "core" : info.group().split("\\.")[0]) + "."
          + info.version() + "." + info.kind();
      schema = schemas.putObject(name).put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", info.group())
        .put("version", info.version()).put("kind", info.kind());
    return "#/components/schemas/" + name;
  }

  private static ObjectNode message(Descriptor d, Deque<Descriptor> todo, Map<String, String> patchMeta) {
    ObjectNode s = F.objectNode().put("type", "object");
    ObjectNode props = s.putObject("properties");
    for (FieldDescriptor f : d.getFields()) {
      ObjectNode p;
      if (f.isMapField()) {
        p = F.objectNode().put("type", "object");
        p.set("additionalProperties", field(f.getMessageType().findFieldByName("value"), todo));
      } else if (f.isRepeated()) {
        p = F.objectNode().put("type", "array");
        p.set("items", field(f, todo));
      } else {
        p = field(f, todo);
      }
      props.set(f.getName(), p);
    }
    addPatchMeta(s, patchMeta);
    return s;
  }

  private static void addPatchMeta(ObjectNode schema, Map<String, String> patchMeta) {
    ObjectNode props = (ObjectNode) schema.get("properties");
    patchMeta.forEach((field, key) -> {
      if (props.get(field) instanceof ObjectNode p) {
        p.put("x-kubernetes-patch-strategy", "merge");
        if (!key.isEmpty()) {
          p.put("x-kubernetes-patch-merge-key", key);
        }
      }
    });
  }

  private static ObjectNode field(FieldDescriptor f, Deque<Descriptor> todo) {
    return switch (f.getJavaType()) {
      case INT -> F.objectNode().put("type", "integer").put("format", "int32");
      case LONG -> F.objectNode().put("type", "integer").put("format", "int64");
      case FLOAT, DOUBLE -> F.objectNode().put("type", "number").put("format", "double");
      case BOOLEAN -> F.objectNode().put("type", "boolean");
      case STRING, ENUM -> F.objectNode().put("type", "string");
      case BYTE_STRING -> F.objectNode().put("type", "string").put("format", "byte");
      case MESSAGE -> leafOrRef(f.getMessageType(), todo);
    };
  }

  private static ObjectNode leafOrRef(Descriptor d, Deque<Descriptor> todo) {
    String n = d.getFullName();
    if (n.equals(ProtoTypes.TIME) || n.equals(ProtoTypes.MICRO_TIME)) {
      return F.objectNode().put("type", "string").put("format", "date-time");
    }
    if (n.equals(ProtoTypes.INT_OR_STRING)) {
      return F.objectNode().put("x-kubernetes-int-or-string", true).put("format", "int-or-string");
    }
    if (n.equals(ProtoTypes.QUANTITY)) {
      ObjectNode q = F.objectNode();
      q.putArray("oneOf").add(F.objectNode().put("type", "string")).add(F.objectNode().put("type", "number"));
      return q;
    }
    if (n.equals(ProtoTypes.DURATION)) {
      return F.objectNode().put("type", "string");
    }
    if (n.equals(ProtoTypes.RAW_EXTENSION) || n.equals(ProtoTypes.FIELDS_V1)) {
      return F.objectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    todo.add(d);
    ObjectNode ref = F.objectNode();
    ref.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + ProtoTypes.definitionName(d));
    return ref;
  }

  /** Patch merge keys of the kind, by (message type, field), found by walking the strategy's patch paths. */
  private static Map<String, Map<String, String>> patchMetadata(Descriptor kind, ResourceStrategy strategy) {
    Map<String, Map<String, String>> out = new HashMap<>();
    strategy.patchMeta().mergeKeys().forEach((path, key) -> {
      Descriptor d = kind;
      String[] parts = path.split("\\.");
      for (int i = 0; i < parts.length && d != null; i++) {
        FieldDescriptor f = d.findFieldByName(parts[i]);
        if (f == null) {
          return;
        }
        if (i == parts.length - 1) {
          out.computeIfAbsent(d.getFullName(), x -> new HashMap<>()).put(parts[i], key);
        } else {
          d = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? f.getMessageType() : null;
        }
      }
    });
    return out;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(data))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
