package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerConfigTest {

    @Test
    void parse_hostPortForms() {
        assertThat(BackendAddress.parse("127.0.0.1:6443")).isEqualTo(new BackendAddress("127.0.0.1", 6443));
        assertThat(BackendAddress.parse("node-1:6443")).isEqualTo(new BackendAddress("node-1", 6443));
        assertThat(BackendAddress.parse("[::1]:6443")).isEqualTo(new BackendAddress("::1", 6443));
        assertThat(new BackendAddress("::1", 6443)).hasToString("[::1]:6443");
    }

    @Test
    void parse_badInput_clearErrors() {
        assertThatThrownBy(() -> BackendAddress.parse("127.0.0.1")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> BackendAddress.parse("h:http")).hasMessageContaining("port is not a number");
        assertThatThrownBy(() -> BackendAddress.parse("h:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> BackendAddress.parse("::1:80")).hasMessageContaining("brackets");
    }

    @Test
    void socketAddress_ipLiteralResolvedWithoutDns_nameLeftForConnectTime() {
        assertThat(BackendAddress.parse("127.0.0.1:80").socketAddress().isUnresolved()).isFalse();
        assertThat(BackendAddress.parse("apiserver.invalid:80").socketAddress().isUnresolved()).isTrue();
    }

    @Test
    void of_fromCliStrings_fastDefaults() {
        LoadBalancerConfig c = LoadBalancerConfig.of("127.0.0.1:16443", List.of("127.0.0.11:6443", "127.0.0.12:6443"));

        assertThat(c.listen()).isEqualTo(new BackendAddress("127.0.0.1", 16443));
        assertThat(c.backends()).hasSize(2);
        assertThat(c.policy()).isEqualTo(BalancingPolicy.ROUND_ROBIN);
        assertThat(c.healthCheck().interval().toMillis()).isEqualTo(500);
        assertThat(c.healthCheck().rise()).isEqualTo(2);
        assertThat(c.healthCheck().fall()).isEqualTo(2);
        assertThat(c.keepAlive().enabled()).isTrue();
    }

    @Test
    void invalidValues_rejectedAtConstruction() {
        LoadBalancerConfig c = LoadBalancerConfig.of("127.0.0.1:0", List.of("127.0.0.11:6443"));
        assertThatThrownBy(() -> LoadBalancerConfig.of("127.0.0.1:0", List.of("a:1", "a:1")))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> c.withMaxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> LoadBalancerConfig.of("127.0.0.1:0", List.of("a:0"))).hasMessageContaining("port");
        assertThatThrownBy(() -> HealthCheckSettings.DEFAULTS.withTiming(
                java.time.Duration.ZERO, java.time.Duration.ofSeconds(1), 1, 1)).hasMessageContaining("interval");
    }
}
