package io.trireme.apiserver.registry.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.pod.PodTemplates;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the apps/v1 workloads share: a selector that must match the pod template, template defaults and
 * validation (restartPolicy Always), generation, the immutable selector, the scale subresource of replicated
 * kinds, and the Age + Containers/Images/Selector columns after the kind's own.
 */
public abstract class WorkloadStrategy implements ResourceStrategy {
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META.with("spec.template.spec", PatchMeta.POD_SPEC)
      .with("status.conditions", "type");

  private final ResourceInfo info;
  private final boolean replicated;

  /** @param replicated whether the kind has spec.replicas (and so a scale subresource) */
  protected WorkloadStrategy(ResourceInfo info, boolean replicated) {
    this.info = info;
    this.replicated = replicated;
  }

  @Override
  public final ResourceInfo info() {
    return info;
  }

  /**
   * Defaults {@code spec.<field>.type} to RollingUpdate and returns its {@code rollingUpdate} object to default,
   * or null when the type is another one (Recreate, OnDelete).
   */
  protected static ObjectNode rollingUpdate(ObjectNode spec, String field) {
    ObjectNode strategy = spec.get(field) instanceof ObjectNode s ? s : spec.putObject(field);
    if (!strategy.hasNonNull("type")) {
      strategy.put("type", "RollingUpdate");
    }
    if (!strategy.get("type").asText().equals("RollingUpdate")) {
      return null;
    }
    return strategy.get("rollingUpdate") instanceof ObjectNode r ? r : strategy.putObject("rollingUpdate");
  }

  /** Sets {@code field} to {@code value} unless present; revisionHistoryLimit and friends. */
  protected static void defaultInt(ObjectNode o, String field, int value) {
    if (!o.hasNonNull(field)) {
      o.put(field, value);
    }
  }

  /** The kind's own spec defaults (the template and replicas are done). */
  protected void defaultSpec(ObjectNode spec) {}

  /** The kind's own spec errors (the selector, template and replicas are checked). */
  protected List<Cause> validateSpec(JsonNode spec) {
    return List.of();
  }

  /** The kind's own update errors beyond {@link #validateSpec} (the selector is immutable for all). */
  protected List<Cause> validateSpecUpdate(JsonNode spec, JsonNode old) {
    return List.of();
  }

  /** The kind's columns before Age, Name first. */
  protected abstract List<Column> leadingColumns();

  /** The cells of {@link #leadingColumns()}. */
  protected abstract List<Object> leadingCells(ObjectNode obj);

  /** Whether the wide columns end with Selector (StatefulSets print none). */
  protected boolean wideSelector() {
    return true;
  }

  @Override
  public final void applyDefaults(ObjectNode obj) {
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (replicated && !spec.hasNonNull("replicas")) {
      spec.put("replicas", 1);
    }
    PodTemplates.applyDefaults(spec.path("template"));
    defaultSpec(spec);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public final List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    if (replicated && spec.path("replicas").asLong(0) < 0) {
      causes.add(Validation.invalid("spec.replicas", spec.path("replicas").asLong(),
          "must be greater than or equal to 0"));
    }
    causes.addAll(PodTemplates.validate(spec.path("template"), "spec.template", List.of("Always"),
        spec.path("selector"), "spec.selector"));
    causes.addAll(validateSpec(spec));
    return causes;
  }

  @Override
  public final List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (!obj.path("spec").path("selector").equals(old.path("spec").path("selector"))) {
      causes.add(Validation.immutable("spec.selector"));
    }
    causes.addAll(validateSpecUpdate(obj.path("spec"), old.path("spec")));
    return causes;
  }

  @Override
  public final boolean hasScale() {
    return replicated;
  }

  @Override
  public String scaleSelector(ObjectNode obj) {
    return PodTemplates.selector(obj.path("spec").path("selector")).toString();
  }

  @Override
  public PatchMeta patchMeta() {
    return PATCH;
  }

  @Override
  public final List<Column> columns() {
    List<Column> out = new ArrayList<>(leadingColumns());
    out.add(Column.ageColumn());
    out.addAll(PodTemplates.wideColumns(wideSelector()));
    return out;
  }

  @Override
  public final List<Object> cells(ObjectNode obj, Instant now) {
    List<Object> out = new ArrayList<>(leadingCells(obj));
    out.add(Tables.age(obj, now));
    JsonNode spec = obj.path("spec");
    out.addAll(PodTemplates.wideCells(spec.path("template"), spec.path("selector"), wideSelector()));
    return out;
  }
}
