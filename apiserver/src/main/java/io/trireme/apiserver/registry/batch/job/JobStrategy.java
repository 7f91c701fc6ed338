package io.trireme.apiserver.registry.batch.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.core.pod.PodTemplates;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * batch/v1 Jobs: parallelism/completions/backoffLimit defaults, the generated controller-uid selector and
 * template labels (unless manualSelector), restartPolicy OnFailure or Never, kube's job columns.
 */
public final class JobStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("batch", "v1", "Job", "jobs", "job", true, List.of(),
      List.of("all"), true);
  public static final List<String> RESTART = List.of("OnFailure", "Never");
  private static final String UID_LABEL = "batch.kubernetes.io/controller-uid";
  private static final String NAME_LABEL = "batch.kubernetes.io/job-name";
  private static final List<String> MODES = List.of("NonIndexed", "Indexed");
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META.with("spec.template.spec", PatchMeta.POD_SPEC)
      .with("status.conditions", "type");

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  /** SetDefaults_Job; also used for the job template of a CronJob's spec. */
  @Override
  public void applyDefaults(ObjectNode obj) {
    if (obj.get("spec") instanceof ObjectNode spec) {
      defaultSpec(spec);
    }
  }

  private static void defaultSpec(ObjectNode spec) {
    if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
      spec.put("completions", 1);
      spec.put("parallelism", 1);
    }
    if (!spec.hasNonNull("parallelism")) {
      spec.put("parallelism", 1);
    }
    if (!spec.hasNonNull("backoffLimit")) {
      spec.put("backoffLimit", 6);
    }
    if (!spec.hasNonNull("completionMode")) {
      spec.put("completionMode", "NonIndexed");
    }
    if (!spec.hasNonNull("suspend")) {
      spec.put("suspend", false);
    }
    if (!spec.hasNonNull("podReplacementPolicy")) {
      spec.put("podReplacementPolicy", spec.has("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
    }
    PodTemplates.applyDefaults(spec.path("template"));
  }

  /** Generates the selector and the template labels from the uid, as kube-apiserver's job strategy does. */
  @Override
  public void prepareForCreate(ObjectNode obj) {
    ResourceStrategy.super.prepareForCreate(obj);
    if (!(obj.get("spec") instanceof ObjectNode spec) || spec.path("manualSelector").asBoolean(false)) {
      return;
    }
    String uid = Meta.uid(obj);
    String name = Meta.name(obj);
    ObjectNode template = spec.get("template") instanceof ObjectNode t ? t : spec.putObject("template");
    ObjectNode tmeta = template.get("metadata") instanceof ObjectNode m ? m : template.putObject("metadata");
    ObjectNode labels = tmeta.get("labels") instanceof ObjectNode l ? l : tmeta.putObject("labels");
    labels.put("controller-uid", uid).put(UID_LABEL, uid);
    if (Validation.labelValueErrors(name).isEmpty()) {
      labels.put("job-name", name).put(NAME_LABEL, name);
    }
    if (spec.path("selector").isMissingNode() || spec.path("selector").isNull()) {
      spec.putObject("selector").putObject("matchLabels").put(UID_LABEL, uid);
    }
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    return validateSpec(obj.path("spec"), "spec", true);
  }

  /** Validation of a JobSpec at {@code path}; a CronJob's job template has no selector yet. */
  public static List<Cause> validateSpec(JsonNode spec, String path, boolean needsSelector) {
    List<Cause> causes = new ArrayList<>();
    for (String f : new String[] {"parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
        "ttlSecondsAfterFinished"}) {
      if (spec.hasNonNull(f) && spec.get(f).asLong() < 0) {
        causes.add(Validation.invalid(path + "." + f, spec.get(f).asLong(), "must be greater than or equal to 0"));
      }
    }
    String mode = spec.path("completionMode").asText("NonIndexed");
    if (!MODES.contains(mode)) {
      causes.add(Validation.notSupported(path + ".completionMode", mode, MODES));
    } else if (mode.equals("Indexed") && !spec.hasNonNull("completions")) {
      causes.add(Validation.required(path + ".completions", "when completion mode is Indexed"));
    }
    JsonNode selector = needsSelector || spec.has("selector") ? spec.path("selector") : null;
    causes.addAll(PodTemplates.validate(spec.path("template"), path + ".template", RESTART, selector,
        path + ".selector"));
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    JsonNode spec = obj.path("spec");
    JsonNode was = old.path("spec");
    if (!spec.path("selector").equals(was.path("selector"))) {
      causes.add(Validation.immutable("spec.selector"));
    }
    if (!spec.path("completionMode").equals(was.path("completionMode"))) {
      causes.add(Validation.immutable("spec.completionMode"));
    }
    if (!spec.path("completions").equals(was.path("completions"))
        && !spec.path("completionMode").asText().equals("Indexed")) {
      causes.add(Validation.immutable("spec.completions"));
    }
    if (!spec.path("template").equals(was.path("template")) && !was.path("suspend").asBoolean(false)) {
      causes.add(Validation.immutable("spec.template"));
    }
    return causes;
  }

  @Override
  public PatchMeta patchMeta() {
    return PATCH;
  }

  @Override
  public List<Column> columns() {
    List<Column> out = new ArrayList<>(List.of(Column.nameColumn(),
        Column.of("Status", "string", "Status of the job."),
        Column.of("Completions", "string", "The completion status of the job."),
        Column.of("Duration", "string", "Time required to complete the job."),
        Column.ageColumn()));
    out.addAll(PodTemplates.wideColumns(true));
    return out;
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    JsonNode status = obj.path("status");
    long succeeded = status.path("succeeded").asLong(0);
    String completions;
    if (spec.hasNonNull("completions")) {
      completions = succeeded + "/" + spec.get("completions").asLong();
    } else {
      long parallelism = spec.path("parallelism").asLong(0);
      completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }
    Instant start = Meta.parseTime(status.get("startTime"));
    Instant end = Meta.parseTime(status.get("completionTime"));
    String duration = start == null ? "" : Tables.humanDuration(Duration.between(start, end == null ? now : end));
    List<Object> out = new ArrayList<>(List.of(Meta.name(obj), jobStatus(obj), completions, duration,
        Tables.age(obj, now)));
    out.addAll(PodTemplates.wideCells(spec.path("template"), spec.path("selector"), true));
    return out;
  }

  private static String jobStatus(ObjectNode obj) {
    for (String c : new String[] {"Complete", "Failed"}) {
      if (hasCondition(obj, c)) {
        return c;
      }
    }
    if (Meta.deleting(obj)) {
      return "Terminating";
    }
    for (String c : new String[] {"SuccessCriteriaMet", "FailureTarget", "Suspended"}) {
      if (hasCondition(obj, c)) {
        return c;
      }
    }
    return "Running";
  }

  private static boolean hasCondition(ObjectNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }
}
