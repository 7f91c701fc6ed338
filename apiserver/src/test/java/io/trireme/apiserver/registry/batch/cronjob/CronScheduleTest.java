package io.trireme.apiserver.registry.batch.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CronScheduleTest {
  @Test
  void standardSchedules_parse() {
    for (String s : new String[] {"*/5 * * * *", "0 3 * * 1-5", "15,45 0-23/2 1 jan-mar sun", "@hourly",
        "@every 1h30m"}) {
      assertThat(CronSchedule.errors(s)).as(s).isEmpty();
    }
  }

  @Test
  void badSchedules_sayWhy() {
    assertThat(CronSchedule.errors("61 * * * *")).singleElement().asString().contains("above maximum");
    assertThat(CronSchedule.errors("* * *")).singleElement().asString().contains("expected exactly 5 fields");
    assertThat(CronSchedule.errors("TZ=UTC 0 * * * *")).singleElement().asString().contains("timeZone");
    assertThat(CronSchedule.errors("@sometimes")).singleElement().asString().contains("unrecognized descriptor");
  }
}
