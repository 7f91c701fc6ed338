package io.trireme.apiserver.registry.core.limitrange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Quantity;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * core/v1 LimitRanges: SetDefaults_LimitRangeItem (a Container's default from max, defaultRequest from default
 * then min) and ValidateLimitRange (min <= defaultRequest <= default <= max, defaults only for Containers).
 * kube-apiserver prints them with the default table (Name, Created At).
 */
public final class LimitRangeStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "LimitRange", "limitranges", "limitrange",
      true, List.of("limits"), List.of(), false);
  private static final List<String> TYPES = List.of("Pod", "Container", "PersistentVolumeClaim");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    for (JsonNode item : obj.path("spec").path("limits")) {
      if (!(item instanceof ObjectNode limit) || !limit.path("type").asText().equals("Container")) {
        continue;
      }
      ObjectNode def = limit.get("default") instanceof ObjectNode d ? d : limit.putObject("default");
      ObjectNode req = limit.get("defaultRequest") instanceof ObjectNode r ? r : limit.putObject("defaultRequest");
      copyMissing(limit.path("max"), def);
      copyMissing(def, req);
      copyMissing(limit.path("min"), req);
    }
  }

  private static void copyMissing(JsonNode from, ObjectNode to) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!to.has(e.getKey())) {
        to.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode limits = obj.path("spec").path("limits");
    for (int i = 0; i < limits.size(); i++) {
      JsonNode limit = limits.get(i);
      String path = "spec.limits[" + i + "]";
      String type = limit.path("type").asText("");
      if (!TYPES.contains(type)) {
        causes.add(Validation.notSupported(path + ".type", type, TYPES));
      }
      for (String f : new String[] {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}) {
        limit.path(f).fields().forEachRemaining(e -> {
          if (!Quantity.valid(e.getValue()) || Quantity.parse(e.getValue()).negative()) {
            causes.add(Validation.invalid(path + "." + f + "[" + e.getKey() + "]", e.getValue().asText(),
                "must be a valid, non-negative quantity"));
          }
        });
      }
      if (!type.equals("Container") && (limit.path("default").size() > 0 || limit.path("defaultRequest").size() > 0)) {
        String f = limit.path("default").size() > 0 ? "default" : "defaultRequest";
        causes.add(new Cause("FieldValueForbidden", path + "." + f, "Forbidden: may not be specified when `type` is '"
            + type + "'"));
      }
      if (!causes.isEmpty()) {
        continue;
      }
      order(causes, path, limit, "min", "max", "min value %s is greater than max value %s");
      order(causes, path, limit, "defaultRequest", "default", "default request value %s is greater than default "
          + "limit value %s");
      order(causes, path, limit, "min", "defaultRequest", "min value %s is greater than default request value %s");
      order(causes, path, limit, "default", "max", "default value %s is greater than max value %s");
    }
    return causes;
  }

  /** Adds an error for each resource where {@code low} is above {@code high}. */
  private static void order(List<Cause> causes, String path, JsonNode limit, String low, String high, String msg) {
    limit.path(low).fields().forEachRemaining(e -> {
      JsonNode other = limit.path(high).get(e.getKey());
      if (other != null && Quantity.parse(e.getValue()).compareTo(Quantity.parse(other)) > 0) {
        causes.add(Validation.invalid(path + "." + low + "[" + e.getKey() + "]", e.getValue().asText(),
            String.format(msg, e.getValue().asText(), other.asText())));
      }
    });
  }
}
