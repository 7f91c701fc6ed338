package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Server-side Table output ({@code meta.k8s.io/v1 Table}), as {@code kubectl get} needs it. */
public final class Tables {
  private static final List<Column> DEFAULT_COLUMNS = List.of(Column.nameColumn(),
      new Column("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time "
          + "when this object was created.", 0));

  private Tables() {}

  public static List<Column> columns(ResourceStrategy s) {
    return s.columns().isEmpty() ? DEFAULT_COLUMNS : s.columns();
  }

  /** A Table of {@code items}; {@code withColumns=false} leaves {@code columnDefinitions} empty (watch). */
  public static ObjectNode table(ResourceStrategy s, List<ObjectNode> items, String resourceVersion,
      String continueToken, Instant now, boolean withColumns, boolean includeObject) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode t = f.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = t.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = t.putArray("columnDefinitions");
    if (withColumns) {
      for (Column c : columns(s)) {
        defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
            .put("description", c.description()).put("priority", c.priority());
      }
    }
    ArrayNode rows = t.putArray("rows");
    for (ObjectNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      List<Object> values = s.columns().isEmpty()
          ? List.of(Meta.name(item), Meta.text(item.get("metadata"), "creationTimestamp"))
          : s.cells(item, now);
      for (Object v : values) {
        cells.add(cell(v));
      }
      if (includeObject) {
        row.set("object", item);
      } else {
        ObjectNode pom = row.putObject("object");
        pom.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        pom.set("metadata", item.get("metadata"));
      }
    }
    return t;
  }

  private static JsonNode cell(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof Integer i) {
      return f.numberNode(i);
    }
    if (v instanceof Long l) {
      return f.numberNode(l);
    }
    if (v instanceof JsonNode n) {
      return n;
    }
    return f.textNode(v.toString());
  }

  /** The AGE cell: the object's age in kube's human-readable form. */
  public static String age(ObjectNode obj, Instant now) {
    Instant created = Meta.parseTime(obj.path("metadata").get("creationTimestamp"));
    return created == null ? "<unknown>" : humanDuration(Duration.between(created, now));
  }

  /** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
  public static String humanDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return (hours / 24) + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? (hours / 24 / 365) + "y" : (hours / 24 / 365) + "y" + dy + "d";
    }
    return (hours / 24 / 365) + "y";
  }
}
