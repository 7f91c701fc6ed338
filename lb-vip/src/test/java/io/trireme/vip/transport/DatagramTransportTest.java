package io.trireme.vip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DatagramTransportTest {

    @Test
    void unicast_sendsToEveryPeer_andDeliversWithSource() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DatagramTransport b = DatagramTransport.unicast("b", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", 9)), registry);
        DatagramTransport c = DatagramTransport.unicast("c", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", 9)), registry);
        List<String> atB = new CopyOnWriteArrayList<>();
        List<String> atC = new CopyOnWriteArrayList<>();
        b.start((data, len, src) -> atB.add(new String(data, 0, len, StandardCharsets.UTF_8) + "@" + src.getPort()));
        c.start((data, len, src) -> atC.add(new String(data, 0, len, StandardCharsets.UTF_8) + "@" + src.getPort()));
        DatagramTransport a = DatagramTransport.unicast("a", new InetSocketAddress("127.0.0.1", 0),
                List.of(b.localAddress(), c.localAddress()), registry);
        a.start((data, len, src) -> { });
        try {
            a.send("hello".getBytes(StandardCharsets.UTF_8));
            int from = a.localAddress().getPort();
            await().atMost(Duration.ofSeconds(10)).until(() -> atB.contains("hello@" + from)
                    && atC.contains("hello@" + from));
            assertThat(registry.get("trireme.vip.adverts.sent").counter().count()).isEqualTo(2.0);
        } finally {
            a.close();
            b.close();
            c.close();
        }
        a.send("after close".getBytes(StandardCharsets.UTF_8)); // ignored, no exception
    }

    @Test
    void unicast_portInUse_failsToStart() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DatagramTransport a = DatagramTransport.unicast("a", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", 9)), registry);
        a.start((data, len, src) -> { });
        try {
            DatagramTransport b = DatagramTransport.unicast("b", a.localAddress(),
                    List.of(new InetSocketAddress("127.0.0.1", 9)), registry);
            assertThatThrownBy(() -> b.start((data, len, src) -> { })).isInstanceOf(java.net.BindException.class);
        } finally {
            a.close();
        }
    }

    @Test
    void multicast_rejectsNonMulticastGroupsAndMissingInterfaces() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> DatagramTransport.multicast("a", new InetSocketAddress("127.0.0.1", 5000), "lo",
                registry)).hasMessageContaining("not a multicast group");
        DatagramTransport t = DatagramTransport.multicast("a", new InetSocketAddress("224.0.0.18", 5000),
                "no-such-if0", registry);
        assertThatThrownBy(() -> t.start((data, len, src) -> { })).hasMessageContaining("no network interface");
    }
}
