package io.trireme.apiserver.registry.generic.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.List;
import java.util.Locale;

/** The PATCH flavours, chosen by Content-Type. */
public enum PatchType {
  JSON("application/json-patch+json"),
  MERGE("application/merge-patch+json"),
  STRATEGIC("application/strategic-merge-patch+json"),
  APPLY("application/apply-patch+yaml");

  private final String mediaType;

  PatchType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  public static PatchType of(String contentType) {
    String mt = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    for (PatchType t : values()) {
      if (t.mediaType.equals(mt)) {
        return t;
      }
    }
    throw ApiException.unsupportedMediaType(contentType);
  }

  /** Applies a decoded patch to a copy of {@code current}. */
  public ObjectNode apply(ObjectNode current, JsonNode patch, PatchMeta meta) {
    JsonNode out = switch (this) {
      case JSON -> JsonPatch.apply(current, patch);
      case MERGE -> MergePatch.apply(current, patch);
      case STRATEGIC -> {
        if (!(patch instanceof ObjectNode po)) {
          throw ApiException.badRequest("a strategic merge patch must be a JSON object");
        }
        yield StrategicMergePatch.apply(current, po, meta);
      }
      case APPLY -> throw ApiException.unsupportedMediaType(mediaType + " (server-side apply is not served yet)");
    };
    if (!(out instanceof ObjectNode o)) {
      throw ApiException.invalid("", "", "", List.of(new Cause("FieldValueInvalid", "patch",
          "the patched document is not an object")));
    }
    return o;
  }
}
