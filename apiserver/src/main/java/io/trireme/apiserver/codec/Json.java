package io.trireme.apiserver.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trireme.apiserver.status.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** JSON and YAML encoding of Kubernetes objects (Jackson trees). */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
  }

  private Json() {}

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String string(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses stored JSON (trusted). */
  public static ObjectNode object(byte[] data) {
    try {
      return (ObjectNode) MAPPER.readTree(data);
    } catch (IOException | ClassCastException e) {
      throw ApiException.internal("stored object is not a JSON object: " + e.getMessage());
    }
  }

  /**
   * Decodes a request body by its Content-Type: JSON (also when the header is missing, as kubectl's
   * {@code scale --current-replicas} sends) or YAML; anything else is 415.
   */
  public static JsonNode decodeBody(String contentType, byte[] body) {
    String mt = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    try {
      return switch (mt) {
        case "", "application/json", "application/json-patch+json", "application/merge-patch+json",
            "application/strategic-merge-patch+json", "*/*" -> nonEmpty(MAPPER.readTree(body));
        case ProtobufBody.MEDIA_TYPE -> ProtobufBody.decode(body);
        case "application/yaml", "application/x-yaml", "text/yaml", "application/apply-patch+yaml" ->
            nonEmpty(YAML.readTree(body));
        default -> throw ApiException.unsupportedMediaType(contentType);
      };
    } catch (IOException e) {
      throw ApiException.badRequest("the request body could not be decoded: " + firstLine(e.getMessage()));
    }
  }

  private static JsonNode nonEmpty(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      throw ApiException.badRequest("the request body is empty");
    }
    return n;
  }

  /** Decodes a body that must be one object. */
  public static ObjectNode decodeObject(String contentType, byte[] body) {
    JsonNode n = decodeBody(contentType, body);
    if (!(n instanceof ObjectNode o)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return o;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
