package io.trireme.apiserver.registry.core.configmap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** ConfigMaps: key names, no key in both data and binaryData, immutable ones stay immutable. */
public final class ConfigMapStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "ConfigMap", "configmaps", "configmap",
      true, List.of("cm"), List.of(), false);
  static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    checkKeys(obj, "data", causes);
    checkKeys(obj, "binaryData", causes);
    obj.path("data").fieldNames().forEachRemaining(k -> {
      if (obj.path("binaryData").has(k)) {
        causes.add(new Cause("FieldValueDuplicate", "data[" + k + "]", "Duplicate value: \"" + k + "\""));
      }
    });
    return causes;
  }

  /** Kubernetes' IsConfigMapKey rule (shared with Secrets). */
  public static void checkKeys(ObjectNode obj, String field, List<Cause> causes) {
    obj.path(field).fieldNames().forEachRemaining(k -> {
      if (k.length() > 253 || !KEY.matcher(k).matches() || k.equals(".") || k.equals("..")
          || k.startsWith("..")) {
        causes.add(new Cause("FieldValueInvalid", field + "[" + k + "]", "Invalid value: \"" + k
            + "\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
      }
    });
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (old.path("immutable").asBoolean(false)) {
      if (!obj.path("data").equals(old.path("data")) || !obj.path("binaryData").equals(old.path("binaryData"))) {
        causes.add(new Cause("FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"));
      }
      if (!obj.path("immutable").asBoolean(false)) {
        causes.add(new Cause("FieldValueForbidden", "immutable",
            "Forbidden: field is immutable when `immutable` is set"));
      }
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Data", "string",
        "Data contains the configuration data."), Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return List.of(Meta.name(obj), obj.path("data").size() + obj.path("binaryData").size(),
        Tables.age(obj, now));
  }
}
