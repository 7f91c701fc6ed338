package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;

/** The parts of {@code meta/v1 DeleteOptions} the store honours. */
public record DeleteOptions(String preconditionUid, String preconditionResourceVersion,
    String propagationPolicy, Long gracePeriodSeconds) {
  public static final DeleteOptions DEFAULT = new DeleteOptions("", "", "", null);

  public DeleteOptions {
    preconditionUid = preconditionUid == null ? "" : preconditionUid;
    preconditionResourceVersion = preconditionResourceVersion == null ? "" : preconditionResourceVersion;
    propagationPolicy = propagationPolicy == null ? "" : propagationPolicy;
  }

  public static DeleteOptions of(JsonNode body, String queryPropagation, String queryGrace) {
    JsonNode b = body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body;
    String prop = b.path("propagationPolicy").asText(queryPropagation == null ? "" : queryPropagation);
    if (prop.isEmpty() && b.has("orphanDependents")) {
      prop = b.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
    }
    Long grace = b.hasNonNull("gracePeriodSeconds") ? Long.valueOf(b.get("gracePeriodSeconds").asLong())
        : queryGrace == null || queryGrace.isEmpty() ? null : Long.valueOf(queryGrace);
    return new DeleteOptions(Meta.text(b.get("preconditions"), "uid"),
        Meta.text(b.get("preconditions"), "resourceVersion"), prop, grace);
  }
}
