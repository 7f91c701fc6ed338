package io.trireme.apiserver.registry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** core/v1 Events: involvedObject field selectors (kubectl describe) and kube's event columns. */
public final class EventStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Event", "events", "event", true,
      List.of("ev"), List.of(), false);

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    String ns = Meta.namespace(obj);
    String involvedNs = obj.path("involvedObject").path("namespace").asText("");
    if (!involvedNs.isEmpty() && !involvedNs.equals(ns)) {
      causes.add(Validation.invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("Last Seen", "string", "The time of the last occurrence"),
        Column.of("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
        Column.of("Reason", "string", "This should be a short, machine understandable string"),
        Column.of("Object", "string", "The object that this event is about."),
        Column.wide("Subobject", "string", "The subobject (fieldPath) this event is about"),
        Column.wide("Source", "string", "The component reporting this event."),
        Column.of("Message", "string", "A human-readable description of the status of this operation."),
        Column.wide("First Seen", "string", "The time at which the event was first recorded."),
        Column.wide("Count", "string", "The number of times this event has occurred."),
        new Column("Name", "string", "name", "Name of the event", 1));
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode io = obj.path("involvedObject");
    Instant last = firstTime(obj, "lastTimestamp", "eventTime");
    Instant first = firstTime(obj, "firstTimestamp", "eventTime");
    String source = obj.path("source").path("component").asText(obj.path("reportingComponent").asText(""));
    String host = obj.path("source").path("host").asText("");
    if (!host.isEmpty()) {
      source += ", " + host;
    }
    long count = obj.path("count").asLong(obj.path("series").path("count").asLong(1));
    return List.of(ago(last, now), obj.path("type").asText(""), obj.path("reason").asText(""),
        io.path("kind").asText("").toLowerCase(java.util.Locale.ROOT) + "/" + io.path("name").asText(""),
        io.path("fieldPath").asText(""), source, obj.path("message").asText("").trim(), ago(first, now), count,
        Meta.name(obj));
  }

  private static Instant firstTime(ObjectNode obj, String a, String b) {
    Instant t = Meta.parseTime(obj.get(a));
    if (t == null) {
      t = Meta.parseTime(obj.get(b));
    }
    return t == null ? Meta.parseTime(obj.path("metadata").get("creationTimestamp")) : t;
  }

  private static String ago(Instant t, Instant now) {
    return t == null ? "<unknown>" : Tables.humanDuration(Duration.between(t, now));
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    if (field.startsWith("involvedObject.")) {
      String f = field.substring("involvedObject.".length());
      if (List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath").contains(f)) {
        return Optional.of(obj.path("involvedObject").path(f).asText(""));
      }
      return Optional.empty();
    }
    return switch (field) {
      case "reason", "type", "reportingComponent" -> Optional.of(obj.path(field).asText(""));
      case "source" -> Optional.of(obj.path("source").path("component").asText(""));
      default -> ResourceStrategy.super.fieldValue(obj, field);
    };
  }
}
