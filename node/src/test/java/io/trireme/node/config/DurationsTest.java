package io.trireme.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parse_simpleUnits() {
    assertThat(Durations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT0.25S")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void format_isShortestExactForm_andParsesBack() {
    for (Duration d : new Duration[] {Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofMinutes(10),
        Duration.ofHours(3), Duration.ofMillis(1500), Duration.ofNanos(1500), Duration.ZERO}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
  }

  @Test
  void parse_garbage_isRejected() {
    assertThatThrownBy(() -> Durations.parse("5 parsecs")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'5 parsecs'");
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
  }
}
