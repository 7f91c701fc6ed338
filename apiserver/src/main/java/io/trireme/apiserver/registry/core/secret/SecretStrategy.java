package io.trireme.apiserver.registry.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.configmap.ConfigMapStrategy;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Secrets: type Opaque by default, stringData folded into data, base64 data, immutable type. */
public final class SecretStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Secret", "secrets", "secret", true,
      List.of(), List.of(), false);

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    if (!obj.hasNonNull("type")) {
      obj.put("type", "Opaque");
    }
    if (obj.get("stringData") instanceof ObjectNode sd) {
      ObjectNode data = obj.get("data") instanceof ObjectNode d ? d : obj.putObject("data");
      for (Iterator<Map.Entry<String, JsonNode>> it = sd.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().asText()
            .getBytes(StandardCharsets.UTF_8)));
      }
      obj.remove("stringData");
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    ConfigMapStrategy.checkKeys(obj, "data", causes);
    obj.path("data").fields().forEachRemaining(e -> {
      try {
        Base64.getDecoder().decode(e.getValue().asText());
      } catch (IllegalArgumentException ex) {
        causes.add(Validation.invalid("data[" + e.getKey() + "]", "<secret contents redacted>",
            "must be base64 encoded"));
      }
    });
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (!obj.path("type").equals(old.path("type"))) {
      causes.add(Validation.immutable("type"));
    }
    if (old.path("immutable").asBoolean(false) && !obj.path("data").equals(old.path("data"))) {
      causes.add(new Cause("FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Type", "string", "The type of the secret"),
        Column.of("Data", "string", "The number of entries in the data"), Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return List.of(Meta.name(obj), obj.path("type").asText(""), obj.path("data").size(), Tables.age(obj, now));
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    if (field.equals("type")) {
      return Optional.of(obj.path("type").asText(""));
    }
    return ResourceStrategy.super.fieldValue(obj, field);
  }
}
