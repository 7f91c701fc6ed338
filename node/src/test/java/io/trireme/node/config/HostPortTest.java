package io.trireme.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parse_ipv4AndName() {
    assertThat(HostPort.parse("127.0.0.11:2379")).isEqualTo(new HostPort("127.0.0.11", 2379));
    assertThat(HostPort.parse("node1.local:2380")).isEqualTo(new HostPort("node1.local", 2380));
  }

  @Test
  void parse_ipv6InBrackets_roundTrips() {
    HostPort hp = HostPort.parse("[::1]:2379");
    assertThat(hp).isEqualTo(new HostPort("::1", 2379));
    assertThat(hp.toString()).isEqualTo("[::1]:2379");
  }

  @Test
  void parse_invalid_isRejected() {
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> HostPort.parse(":2379")).hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> HostPort.parse("h:http")).hasMessageContaining("bad port");
    assertThatThrownBy(() -> HostPort.parse("h:70000")).hasMessageContaining("not in 1..65535");
    assertThatThrownBy(() -> HostPort.parse("::1:2379")).hasMessageContaining("[addr]:port");
  }
}
