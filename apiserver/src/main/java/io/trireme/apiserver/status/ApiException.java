package io.trireme.apiserver.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The one exception family of the apiserver. Everything that fails a request ends up here and is translated
 * once, at the HTTP edge, into a Kubernetes {@code Status} object with the right code and reason.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A field-level cause of an Invalid (or other) failure. */
  public record Cause(String reason, String field, String message) {}

  private final int code;
  private final String reason;
  private final String group;
  private final String kind;
  private final String name;
  private final List<Cause> causes;

  private ApiException(int code, String reason, String message, String group, String kind, String name,
      List<Cause> causes) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causes = List.copyOf(causes);
  }

  private static String qualified(String resource, String group) {
    return group == null || group.isEmpty() ? resource : resource + "." + group;
  }

  public static ApiException notFound(String group, String resource, String name) {
    return new ApiException(404, "NotFound", qualified(resource, group) + " \"" + name + "\" not found",
        group, resource, name, List.of());
  }

  public static ApiException notFoundPath() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource", null, null,
        null, List.of());
  }

  public static ApiException alreadyExists(String group, String resource, String name) {
    return new ApiException(409, "AlreadyExists", qualified(resource, group) + " \"" + name
        + "\" already exists", group, resource, name, List.of());
  }

  public static ApiException conflict(String group, String resource, String name, String why) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(resource, group)
        + " \"" + name + "\": " + why, group, resource, name, List.of());
  }

  public static ApiException invalid(String group, String kind, String name, List<Cause> causes) {
    StringBuilder msg = new StringBuilder(qualified(kind, group)).append(" \"").append(name)
        .append("\" is invalid: ");
    for (int i = 0; i < causes.size(); i++) {
      if (i > 0) {
        msg.append(", ");
      }
      msg.append(causes.get(i).field()).append(": ").append(causes.get(i).message());
    }
    if (causes.size() > 1) {
      msg.insert(msg.indexOf("is invalid: ") + 12, "[").append(']');
    }
    return new ApiException(422, "Invalid", msg.toString(), group, kind, name, causes);
  }

  public static ApiException expired(String message) {
    return new ApiException(410, "Expired", message, null, null, null, List.of());
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "Gone", message, null, null, null, List.of());
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null, null, null, List.of());
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
        + "accepted media types include: application/json, application/yaml, "
        + "application/vnd.kubernetes.protobuf", null, null, null, List.of());
  }

  public static ApiException notAcceptable(String message) {
    return new ApiException(406, "NotAcceptable", message, null, null, null, List.of());
  }

  public static ApiException tooLarge(long limit) {
    return new ApiException(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit,
        null, null, null, List.of());
  }

  public static ApiException methodNotSupported(String resource, String verb) {
    return new ApiException(405, "MethodNotAllowed", verb + " is not supported on resources of kind \""
        + resource + "\"", null, resource, null, List.of());
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null, null, null, List.of());
  }

  public static ApiException forbidden(String group, String resource, String name, String why) {
    return new ApiException(403, "Forbidden", qualified(resource, group) + " \"" + name + "\" is forbidden: "
        + why, group, resource, name, List.of());
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "InternalError", "Internal error occurred: " + message, null, null, null,
        List.of());
  }

  /** 429 TooManyRequests, e.g. an eviction a disruption budget does not allow (kubectl drain retries it). */
  public static ApiException tooManyRequests(String message, List<Cause> causes) {
    return new ApiException(429, "TooManyRequests", message, null, null, null, causes);
  }

  /** 504 Timeout with one cause, e.g. ResourceVersionTooLarge when the watch cache does not reach a revision. */
  public static ApiException timeout(String message, String causeReason) {
    return new ApiException(504, "Timeout", message, null, null, null, List.of(new Cause(causeReason, null,
        message)));
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "ServiceUnavailable", message, null, null, null, List.of());
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public List<Cause> causes() {
    return causes;
  }

  /** The Kubernetes {@code Status} object for this failure. */
  public ObjectNode toStatus() {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (name != null || kind != null || !causes.isEmpty()) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        details.put("group", group);
      }
      if (kind != null) {
        details.put("kind", kind);
      }
      if (!causes.isEmpty()) {
        ArrayNode arr = details.putArray("causes");
        for (Cause c : causes) {
          arr.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
        }
      }
    }
    status.put("code", code);
    return status;
  }

  /** Finds the ApiException inside completion wrappers, or wraps an unexpected failure as InternalError. */
  public static ApiException of(Throwable t) {
    Throwable cur = t;
    while (cur != null) {
      if (cur instanceof ApiException api) {
        return api;
      }
      cur = cur.getCause();
    }
    return internal(String.valueOf(t));
  }
}
