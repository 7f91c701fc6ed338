package io.trireme.apiserver.registry.batch.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.batch.job.JobStrategy;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** batch/v1 CronJobs: concurrency/history defaults, schedule and time zone validation, kube's columns. */
public final class CronJobStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("batch", "v1", "CronJob", "cronjobs", "cronjob", true,
      List.of("cj"), List.of("all"), true);
  private static final List<String> POLICIES = List.of("Allow", "Forbid", "Replace");
  private static final PatchMeta PATCH = PatchMeta.OBJECT_META
      .with("spec.jobTemplate.spec.template.spec", PatchMeta.POD_SPEC);

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (!spec.hasNonNull("concurrencyPolicy")) {
      spec.put("concurrencyPolicy", "Allow");
    }
    if (!spec.hasNonNull("suspend")) {
      spec.put("suspend", false);
    }
    if (!spec.hasNonNull("successfulJobsHistoryLimit")) {
      spec.put("successfulJobsHistoryLimit", 3);
    }
    if (!spec.hasNonNull("failedJobsHistoryLimit")) {
      spec.put("failedJobsHistoryLimit", 1);
    }
    PodTemplates.applyDefaults(spec.path("jobTemplate").path("spec").path("template"));
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    if (Meta.name(obj).length() > 52) {
      causes.add(Validation.invalid("metadata.name", Meta.name(obj), "must be no more than 52 characters"));
    }
    JsonNode spec = obj.path("spec");
    String schedule = spec.path("schedule").asText("");
    if (schedule.isEmpty()) {
      causes.add(Validation.required("spec.schedule", "Required value"));
    } else {
      for (String e : CronSchedule.errors(schedule)) {
        causes.add(Validation.invalid("spec.schedule", schedule, e));
      }
    }
    if (spec.hasNonNull("timeZone")) {
      String tz = spec.get("timeZone").asText();
      try {
        ZoneId.of(tz);
      } catch (RuntimeException e) {
        causes.add(Validation.invalid("spec.timeZone", tz, "unknown time zone " + tz));
      }
    }
    String policy = spec.path("concurrencyPolicy").asText("");
    if (!POLICIES.contains(policy)) {
      causes.add(Validation.notSupported("spec.concurrencyPolicy", policy, POLICIES));
    }
    for (String f : new String[] {"startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"}) {
      if (spec.hasNonNull(f) && spec.get(f).asLong() < 0) {
        causes.add(Validation.invalid("spec." + f, spec.get(f).asLong(), "must be greater than or equal to 0"));
      }
    }
    causes.addAll(JobStrategy.validateSpec(spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", false));
    return causes;
  }

  @Override
  public PatchMeta patchMeta() {
    return PATCH;
  }

  @Override
  public List<Column> columns() {
    List<Column> out = new ArrayList<>(List.of(Column.nameColumn(),
        Column.of("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        Column.of("Timezone", "string", "The time zone name for the given schedule."),
        Column.of("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does "
            + "not apply to already started executions.  Defaults to false."),
        Column.of("Active", "integer", "A list of pointers to currently running jobs."),
        Column.of("Last Schedule", "string", "Information when was the last time the job was successfully "
            + "scheduled."),
        Column.ageColumn()));
    out.addAll(PodTemplates.wideColumns(true));
    return out;
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    JsonNode spec = obj.path("spec");
    Instant last = Meta.parseTime(obj.path("status").get("lastScheduleTime"));
    List<Object> out = new ArrayList<>(List.of(Meta.name(obj), spec.path("schedule").asText(""),
        spec.hasNonNull("timeZone") ? spec.get("timeZone").asText() : "<none>",
        spec.hasNonNull("suspend") ? (spec.get("suspend").asBoolean() ? "True" : "False") : "<unset>", (long) obj.path("status").path("active").size(),
        last == null ? "<none>" : Tables.humanDuration(Duration.between(last, now)), Tables.age(obj, now)));
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    out.addAll(PodTemplates.wideCells(jobSpec.path("template"), jobSpec.path("selector"), true));
    return out;
  }
}
