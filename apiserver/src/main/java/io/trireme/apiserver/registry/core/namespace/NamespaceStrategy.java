package io.trireme.apiserver.registry.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation.NameRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Namespaces: phase Active on create, the {@code kubernetes} spec finalizer, the
 * {@code kubernetes.io/metadata.name} label, and Terminating (pending) deletion until the namespace
 * controller empties it and removes the spec finalizer.
 */
public final class NamespaceStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Namespace", "namespaces", "namespace",
      false, List.of("ns"), List.of(), true);
  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public NameRule nameRule() {
    return NameRule.DNS_LABEL;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    String name = Meta.name(obj);
    if (!name.isEmpty()) {
      JsonNode labels = Meta.meta(obj).get("labels");
      ObjectNode l = labels instanceof ObjectNode o ? o : Meta.meta(obj).putObject("labels");
      l.put(NAME_LABEL, name);
    }
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    obj.putObject("status").put("phase", "Active");
    ObjectNode spec = obj.get("spec") instanceof ObjectNode s ? s : obj.putObject("spec");
    ArrayNode fin = spec.get("finalizers") instanceof ArrayNode a ? a : spec.putArray("finalizers");
    boolean has = false;
    for (JsonNode f : fin) {
      has |= f.asText().equals("kubernetes");
    }
    if (!has) {
      fin.add("kubernetes");
    }
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    ResourceStrategy.super.prepareForUpdate(obj, old);
    if (old.has("spec")) {
      obj.set("spec", old.get("spec").deepCopy());
    }
  }

  @Override
  public boolean deletionPending(ObjectNode obj) {
    return obj.path("spec").path("finalizers").size() > 0;
  }

  @Override
  public void prepareForPendingDeletion(ObjectNode obj) {
    ObjectNode status = obj.get("status") instanceof ObjectNode s ? s : obj.putObject("status");
    status.put("phase", "Terminating");
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Status", "string",
        "The status of the namespace"), Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return List.of(Meta.name(obj), obj.path("status").path("phase").asText(""), Tables.age(obj, now));
  }

  @Override
  public Optional<String> fieldValue(ObjectNode obj, String field) {
    if (field.equals("status.phase")) {
      return Optional.of(obj.path("status").path("phase").asText(""));
    }
    return ResourceStrategy.super.fieldValue(obj, field);
  }
}
