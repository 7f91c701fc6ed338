package io.trireme.apiserver.registry.events.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.event.EventStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * events.k8s.io/v1 Events. As in Kubernetes they live in {@code /registry/events} in core/v1 form: this
 * strategy converts on the way in and out and leaves printing and field selection to the core strategy.
 */
public final class EventsV1Strategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("events.k8s.io", "v1", "Event", "events", "event", true,
      List.of("ev"), List.of(), false);
  /** events.k8s.io field → core/v1 field. */
  private static final Map<String, String> RENAMED = Map.of("regarding", "involvedObject", "note", "message",
      "deprecatedSource", "source", "deprecatedFirstTimestamp", "firstTimestamp", "deprecatedLastTimestamp",
      "lastTimestamp", "deprecatedCount", "count", "reportingController", "reportingComponent");
  private static final List<String> TYPES = List.of("Normal", "Warning");
  private final EventStrategy core = new EventStrategy();

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public ObjectNode toStorage(ObjectNode obj) {
    ObjectNode out = rename(obj, false);
    out.put("kind", EventStrategy.INFO.kind()).put("apiVersion", EventStrategy.INFO.apiVersion());
    return out;
  }

  @Override
  public ObjectNode fromStorage(ObjectNode stored) {
    ObjectNode out = rename(stored, true);
    out.put("kind", INFO.kind()).put("apiVersion", INFO.apiVersion());
    return out;
  }

  /** Renames the top-level fields (core → events.k8s.io when {@code toV1}), keeping the field order. */
  private static ObjectNode rename(ObjectNode obj, boolean toV1) {
    ObjectNode out = obj.objectNode();
    obj.fields().forEachRemaining(e -> out.set(name(e.getKey(), toV1), e.getValue()));
    return out;
  }

  private static String name(String field, boolean toV1) {
    if (!toV1) {
      return RENAMED.getOrDefault(field, field);
    }
    for (Map.Entry<String, String> e : RENAMED.entrySet()) {
      if (e.getValue().equals(field)) {
        return e.getKey();
      }
    }
    return field;
  }

  /** ValidateEventCreate for events.k8s.io/v1 requests. */
  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>(core.validate(toStorage(obj.deepCopy())));
    if (!obj.hasNonNull("eventTime")) {
      causes.add(Validation.required("eventTime", "Required value"));
    }
    String type = obj.path("type").asText("");
    if (!TYPES.contains(type)) {
      causes.add(Validation.invalid("type", type, "has invalid value: " + type));
    }
    String controller = obj.path("reportingController").asText("");
    if (controller.isEmpty()) {
      causes.add(Validation.required("reportingController", "Required value"));
    } else {
      Validation.qualifiedNameErrors(controller).forEach(e -> causes.add(Validation.invalid("reportingController",
          controller, e)));
    }
    for (String f : new String[] {"reportingInstance", "action", "reason"}) {
      String v = obj.path(f).asText("");
      if (v.isEmpty()) {
        causes.add(Validation.required(f, "Required value"));
      } else if (v.length() > 128) {
        causes.add(Validation.invalid(f, v, "can have at most 128 characters"));
      }
    }
    if (obj.path("note").asText("").length() > 1024) {
      causes.add(Validation.invalid("note", "", "can have at most 1024 characters"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return core.columns();
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return core.cells(toStorage(obj.deepCopy()), now);
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    int dot = field.indexOf('.');
    String head = dot < 0 ? field : field.substring(0, dot);
    String coreField = RENAMED.getOrDefault(head, head) + (dot < 0 ? "" : field.substring(dot));
    return core.fieldValue(toStorage(obj.deepCopy()), coreField);
  }

}
