package io.trireme.apiserver.registry.generic;

import io.trireme.apiserver.status.ApiException;

/** The {@code fieldValidation} query parameter: what happens to fields the kind does not have. */
public enum FieldValidation {
  IGNORE, WARN, STRICT;

  /** Parses the parameter; absent means Warn, as in kube-apiserver. */
  public static FieldValidation of(String v) {
    if (v == null || v.isEmpty()) {
      return WARN;
    }
    return switch (v) {
      case "Ignore" -> IGNORE;
      case "Warn" -> WARN;
      case "Strict" -> STRICT;
      default -> throw ApiException.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\" or "
          + "\"Strict\", got \"" + v + "\"");
    };
  }
}
