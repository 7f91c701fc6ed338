package io.trireme.apiserver.registry.generic;

/** The list/watch query of a request (already parsed). */
public record ListOptions(LabelSelector labels, FieldSelector fields, long limit, String continueToken,
    String resourceVersion, String resourceVersionMatch, boolean allowBookmarks, long timeoutSeconds) {
  public static final ListOptions ALL = new ListOptions(LabelSelector.EVERYTHING, FieldSelector.EVERYTHING, 0,
      "", "", "", false, 0);

  public ListOptions {
    labels = labels == null ? LabelSelector.EVERYTHING : labels;
    fields = fields == null ? FieldSelector.EVERYTHING : fields;
    continueToken = continueToken == null ? "" : continueToken;
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
    resourceVersionMatch = resourceVersionMatch == null ? "" : resourceVersionMatch;
  }

  public boolean matches(ResourceStrategy s, com.fasterxml.jackson.databind.node.ObjectNode obj) {
    return labels.matches(Meta.labels(obj)) && fields.matches(s, obj);
  }
}
