package io.trireme.apiserver.registry.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceRangeTest {
  @Test
  void defaultRange_firstAddressAndBounds() {
    ServiceRange r = ServiceRange.DEFAULT;
    assertThat(r.first()).isEqualTo("10.96.0.1");
    assertThat(r.check("10.96.0.10")).isNull();
    assertThat(r.check("10.111.255.254")).isNull();
    assertThat(r.check("10.112.0.1")).contains("not in the valid range");
    assertThat(r.check("10.96.0.0")).contains("not in the valid range");
    assertThat(r.check("10.96.0.x")).contains("must be a valid IP address");
  }

  @Test
  void pick_skipsUsed_untilFull() {
    ServiceRange r = ServiceRange.parse("10.0.0.0/29");
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      String ip = r.pick(used, "k/");
      assertThat(used.add("k/" + ip)).isTrue();
      assertThat(r.check(ip)).isNull();
    }
    assertThatThrownBy(() -> r.pick(used, "k/")).hasMessageContaining("is full");
  }

  @Test
  void parse_rejectsHostBits() {
    assertThatThrownBy(() -> ServiceRange.parse("10.96.0.1/12")).isInstanceOf(IllegalArgumentException.class);
  }
}
