package io.trireme.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code /openapi/v2} as the gnostic {@code openapi.v2.Document} protobuf kubectl 1.27/1.28 require (for
 * {@code --validate=strict}, the {@code fieldValidation} check, patch metadata and {@code explain}), derived
 * from the same per group/version documents as OpenAPI v3: the paths with their operations, parameters and
 * {@code x-kubernetes-*} extensions, and every schema as a definition. Field numbers are those of gnostic's
 * OpenAPIv2.proto (Document, PathItem, Operation, Parameter, Schema, ...).
 */
public final class OpenApiV2 {
  public static final String MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final String V3_REF = "#/components/schemas/";
  private static final Map<String, Integer> METHODS = Map.of("get", 2, "put", 3, "post", 4, "delete", 5,
      "patch", 8);

  private final byte[] document;

  public OpenApiV2(OpenApiV3 v3) {
    ProtoWriter paths = new ProtoWriter();
    ProtoWriter definitions = new ProtoWriter();
    java.util.Set<String> defined = new java.util.HashSet<>();
    for (String gv : v3.paths()) {
      ObjectNode doc = v3.document(gv).orElseThrow();
      doc.path("paths").fields().forEachRemaining(p -> paths.message(2, new ProtoWriter().string(1, p.getKey())
          .message(2, pathItem(p.getValue()))));
      doc.path("components").path("schemas").fields().forEachRemaining(s -> {
        if (defined.add(s.getKey())) {
          definitions.message(1, new ProtoWriter().string(1, s.getKey()).message(2, schema(s.getValue())));
        }
      });
    }
    document = new ProtoWriter().string(1, "2.0")
        .message(2, new ProtoWriter().string(1, "Kubernetes").string(2, "v1.32.0"))
        .message(8, paths).message(9, definitions).toByteArray();
  }

  /** The encoded Document. */
  public byte[] document() {
    return document.clone();
  }

  private static ProtoWriter pathItem(JsonNode item) {
    ProtoWriter w = new ProtoWriter();
    item.fields().forEachRemaining(op -> {
      Integer field = METHODS.get(op.getKey());
      if (field != null) {
        w.message(field, operation(op.getValue()));
      }
    });
    return w;
  }

  private static ProtoWriter operation(JsonNode op) {
    ProtoWriter w = new ProtoWriter().string(5, op.path("operationId").asText());
    w.string(6, "application/json");
    for (JsonNode p : op.path("parameters")) {
      ProtoWriter query = new ProtoWriter().string(2, p.path("in").asText("query")).string(4, p.path("name").asText())
          .string(6, p.path("schema").path("type").asText("string"));
      ProtoWriter parameter = new ProtoWriter().message(2, new ProtoWriter().message(3, query));
      w.message(8, new ProtoWriter().message(1, parameter));
    }
    JsonNode body = op.path("requestBody").path("content").path("application/json").path("schema");
    if (!body.isMissingNode()) {
      ProtoWriter bodyParam = new ProtoWriter().string(2, "body").string(3, "body").bool(4, true)
          .message(5, schema(body));
      w.message(8, new ProtoWriter().message(1, new ProtoWriter().message(1, bodyParam)));
    }
    JsonNode ok = op.path("responses").path("200");
    ProtoWriter response = new ProtoWriter().string(1, ok.path("description").asText("OK"));
    JsonNode okSchema = ok.path("content").path("application/json").path("schema");
    if (!okSchema.isMissingNode()) {
      response.message(2, new ProtoWriter().message(1, schema(okSchema)));
    }
    w.message(9, new ProtoWriter().message(1, new ProtoWriter().string(1, "200")
        .message(2, new ProtoWriter().message(1, response))));
    extensions(op, w, 13);
    return w;
  }

  /** A JSON schema (OpenAPI v3 form) as a v2 Schema message. */
  private static ProtoWriter schema(JsonNode s) {
    ProtoWriter w = new ProtoWriter();
    JsonNode ref = s.path("$ref");
    if (ref.isMissingNode() && s.path("allOf").size() == 1) {
      ref = s.path("allOf").get(0).path("$ref");
    }
    if (ref.isTextual()) {
      w.string(1, "#/definitions/" + ref.asText().substring(V3_REF.length()));
    }
    w.string(2, s.path("format").asText(""));
    w.string(4, s.path("description").asText(""));
    for (JsonNode r : s.path("required")) {
      w.string(19, r.asText());
    }
    JsonNode additional = s.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      w.message(21, new ProtoWriter().message(1, schema(additional)));
    }
    if (s.path("type").isTextual()) {
      w.message(22, new ProtoWriter().string(1, s.get("type").asText()));
    }
    if (s.has("items")) {
      w.message(23, new ProtoWriter().message(1, schema(s.get("items"))));
    }
    if (s.path("properties").isObject()) {
      ProtoWriter props = new ProtoWriter();
      s.get("properties").fields().forEachRemaining(p -> props.message(1, new ProtoWriter().string(1, p.getKey())
          .message(2, schema(p.getValue()))));
      w.message(25, props);
    }
    extensions(s, w, 31);
    return w;
  }

  /** {@code x-*} members as NamedAny vendor extensions, the value as YAML (JSON text is YAML). */
  private static void extensions(JsonNode node, ProtoWriter w, int field) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("x-")) {
        String yaml = new String(Json.bytes(e.getValue()), StandardCharsets.UTF_8) + "\n";
        w.message(field, new ProtoWriter().string(1, e.getKey()).message(2, new ProtoWriter().string(2, yaml)));
      }
    }
  }
}
