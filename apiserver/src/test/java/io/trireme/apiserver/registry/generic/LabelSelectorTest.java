package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trireme.apiserver.status.ApiException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @Test
  void equalityAndSetBasedRequirements_match() {
    assertThat(LabelSelector.parse("app=web").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app==web,tier!=back").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app in (web, api),tier notin (back)").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app notin (web)").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("tier,!canary").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("canary").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("").matches(WEB)).isTrue();
  }

  @Test
  void badSyntax_isBadRequest() {
    assertThatThrownBy(() -> LabelSelector.parse("app in web")).isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code()).isEqualTo(400);
    assertThatThrownBy(() -> LabelSelector.parse("a=b,,c")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> LabelSelector.parse("-bad-=x")).isInstanceOf(ApiException.class);
  }

  @Test
  void humanDuration_matchesKubernetes() {
    assertThat(Tables.humanDuration(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Tables.humanDuration(Duration.ofSeconds(150))).isEqualTo("2m30s");
    assertThat(Tables.humanDuration(Duration.ofMinutes(45))).isEqualTo("45m");
    assertThat(Tables.humanDuration(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(Tables.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Tables.humanDuration(Duration.ofHours(50))).isEqualTo("2d2h");
    assertThat(Tables.humanDuration(Duration.ofDays(400))).isEqualTo("400d");
  }

  @Test
  void names_areValidatedPerRule() {
    assertThat(Validation.nameErrors(Validation.NameRule.DNS_SUBDOMAIN, "a.b-c")).isEmpty();
    assertThat(Validation.nameErrors(Validation.NameRule.DNS_LABEL, "a.b")).isNotEmpty();
    assertThat(Validation.nameErrors(Validation.NameRule.DNS1035_LABEL, "1abc")).isNotEmpty();
    assertThat(Validation.nameErrors(Validation.NameRule.DNS_SUBDOMAIN, "Upper")).isNotEmpty();
  }
}
