package io.trireme.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VipConfigTest {

    private static VipConfig.Builder valid() {
        return VipConfig.builder().nodeName("n1").authKey("0123456789abcdef-shared")
                .bind(new InetSocketAddress("127.0.0.11", 5999)).peer(new InetSocketAddress("127.0.0.12", 5999));
    }

    @Test
    void defaults_areFastAndEmbeddedFriendly() {
        VipConfig c = valid().build();
        assertThat(c.advertInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.mode()).isEqualTo(VipConfig.Mode.LOOPBACK);
        assertThat(c.transport()).isEqualTo(VipConfig.Transport.UNICAST);
        assertThat(c.vip().getHostAddress()).isEqualTo("127.0.0.100");
        assertThat(c.preempt()).isTrue();
        assertThat(c.electionSettings().masterDownNanos(c.advertInterval().toNanos()))
                .isLessThan(Duration.ofMillis(400).toNanos());
        assertThat(c.self().name()).isEqualTo("n1");
    }

    @Test
    void toString_neverShowsTheKey() {
        assertThat(valid().build().toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void invalidValues_areRejectedWithTheReason() throws Exception {
        assertThatThrownBy(() -> valid().priority(255).build()).hasMessageContaining("255 is reserved");
        assertThatThrownBy(() -> valid().priority(0).build()).hasMessageContaining("priority");
        assertThatThrownBy(() -> valid().vrid(0).build()).hasMessageContaining("vrid");
        assertThatThrownBy(() -> valid().authKey("short").build()).hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> valid().advertInterval(Duration.ZERO).build()).hasMessageContaining("advertInterval");
        assertThatThrownBy(() -> valid().hysteresis(Duration.ofSeconds(-1)).build()).hasMessageContaining("negative");
        assertThatThrownBy(() -> valid().peers(java.util.List.of()).build()).hasMessageContaining("at least one peer");
        assertThatThrownBy(() -> valid().peer(new InetSocketAddress("127.0.0.11", 5999)).build())
                .hasMessageContaining("own bind address");
        assertThatThrownBy(() -> valid().bind(new InetSocketAddress(5999)).build())
                .hasMessageContaining("concrete address");
        assertThatThrownBy(() -> valid().vip(InetAddress.getByName("10.0.0.5")).build())
                .hasMessageContaining("mode loopback needs a VIP in 127.0.0.0/8");
        assertThatThrownBy(() -> valid().mode(VipConfig.Mode.IP).vip(InetAddress.getByName("10.0.0.5")).build())
                .hasMessageContaining("needs iface");
        assertThatThrownBy(() -> valid().transport(VipConfig.Transport.MULTICAST).build())
                .hasMessageContaining("multicastGroup");
    }

    @Test
    void ipAndMulticastModes_validWhenComplete() throws Exception {
        VipConfig c = valid().mode(VipConfig.Mode.IP).vip(InetAddress.getByName("172.20.0.100")).iface("eth0")
                .transport(VipConfig.Transport.MULTICAST)
                .multicastGroup(new InetSocketAddress("224.0.0.18", 5999)).build();
        assertThat(c.toString()).contains("172.20.0.100/32 dev eth0");
    }
}
