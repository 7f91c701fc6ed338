package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque {@code continue} token of a paged list: the revision and the next key, like kube's. */
record ContinueToken(long revision, String start) {
  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(JsonNodeFactory.instance
        .objectNode().put("v", "meta.k8s.io/v1").put("rv", revision).put("start", start)));
  }

  static ContinueToken decode(String token) {
    try {
      JsonNode n = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(token),
          StandardCharsets.UTF_8));
      if (!"meta.k8s.io/v1".equals(n.path("v").asText()) || n.path("rv").asLong(0) <= 0) {
        throw new IllegalArgumentException("bad token");
      }
      String start = n.path("start").asText();
      if (start.contains("..") || start.startsWith("/")) {
        throw new IllegalArgumentException("bad start");
      }
      return new ContinueToken(n.get("rv").asLong(), start);
    } catch (Exception e) {
      throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
    }
  }
}
