package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load balancer with real sockets on 127.0.0.1. */
class LoadBalancerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HealthCheckSettings FAST_CHECKS =
            HealthCheckSettings.DEFAULTS.withTiming(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private TagServer backend(String name) throws IOException {
        TagServer s = new TagServer(name);
        cleanup.add(s);
        return s;
    }

    private LoadBalancer start(LoadBalancerConfig config) {
        LoadBalancer lb = new LoadBalancer(config.withHealthCheck(FAST_CHECKS), registry, Clock.systemUTC()).start();
        cleanup.add(lb);
        return lb;
    }

    private LoadBalancer start(BalancingPolicy policy, TagServer... servers) {
        List<BackendAddress> backends = Arrays.stream(servers).map(TagServer::address).toList();
        LoadBalancer lb = start(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0), backends).withPolicy(policy));
        awaitStates(lb, BackendState.UP, servers.length);
        return lb;
    }

    private static void awaitStates(LoadBalancer lb, BackendState state, int count) {
        await().atMost(WAIT).until(() -> lb.backends().stream().filter(b -> b.state() == state).count() == count);
    }

    private static BackendStatus status(LoadBalancer lb, TagServer s) {
        return lb.backends().stream().filter(b -> b.address().equals(s.address())).findFirst().orElseThrow();
    }

    private TestClient connect(LoadBalancer lb) throws IOException {
        TestClient c = new TestClient(lb.localAddress());
        cleanup.add(c);
        return c;
    }

    private double refused(String reason) {
        return registry.get("trireme.lb.connections.refused").tag("reason", reason).counter().count();
    }

    @Test
    void roundRobin_threeBackends_connectionsSpreadEvenlyAndBytesRelayed() throws Exception {
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, backend("a"), backend("b"), backend("c"));
        roundRobinSpreads(lb);
    }

    @Test
    void reusePortListeners_sameBehaviour() throws Exception {
        TagServer[] servers = {backend("a"), backend("b"), backend("c")};
        LoadBalancer lb = start(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0),
                Arrays.stream(servers).map(TagServer::address).toList()).withReusePort(true));
        awaitStates(lb, BackendState.UP, 3);
        roundRobinSpreads(lb);
    }

    @Test
    void extraListener_exclusive_unbindResetsOnlyItsClients() throws Exception {
        TagServer a = backend("a");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a);
        InetSocketAddress vip = lb.bind(new InetSocketAddress("127.0.0.1", 0));
        TestClient viaVip = new TestClient(vip);
        cleanup.add(viaVip);
        TestClient viaPrimary = connect(lb);
        assertThat(viaVip.readLine()).isEqualTo("a");
        assertThat(viaPrimary.readLine()).isEqualTo("a");

        LoadBalancer other = start(BalancingPolicy.ROUND_ROBIN, a);
        assertThatThrownBy(() -> other.bind(vip))
                .isInstanceOf(BindException.class);

        lb.unbind(vip);

        assertThat(viaVip.closedWithin(WAIT)).as("client that came in through the VIP is reset").isTrue();
        assertThat(viaPrimary.echo("still here")).isEqualTo("still here");
        try (Socket refused = new Socket()) {
            assertThatThrownBy(() -> refused.connect(vip, 5_000))
                    .isInstanceOf(ConnectException.class);
        }
        assertThat(other.bind(vip)).as("the address is free for the next owner").isEqualTo(vip);
    }

    @Test
    void extraListener_release_stopsAccepting_keepsItsClientsUntilClose_thenClosesThemNormally() throws Exception {
        TagServer a = backend("a");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a);
        InetSocketAddress vip = lb.bind(new InetSocketAddress("127.0.0.1", 0));
        TestClient viaVip = new TestClient(vip);
        cleanup.add(viaVip);
        assertThat(viaVip.readLine()).isEqualTo("a");

        lb.release(vip);

        assertThat(viaVip.echo("in flight")).as("a released address's clients are still proxied").isEqualTo("in flight");
        try (Socket refused = new Socket()) {
            assertThatThrownBy(() -> refused.connect(vip, 5_000)).isInstanceOf(ConnectException.class);
        }
        LoadBalancer next = start(BalancingPolicy.ROUND_ROBIN, a);
        assertThat(next.bind(vip)).as("the address is free for the next owner at once").isEqualTo(vip);

        lb.close();

        assertThat(viaVip.closedWithin(WAIT)).as("closed when the LB closes").isTrue();
    }

    @Test
    void refusedProxiedConnection_marksThatBackendDownAtOnce_butNeverTheLastUpOne() throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        List<BackendAddress> backends = List.of(a.address(), b.address());
        // checks every minute: only the passive rule can take a backend down within this test
        LoadBalancer lb = new LoadBalancer(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0), backends)
                .withHealthCheck(HealthCheckSettings.DEFAULTS.withTiming(Duration.ofMinutes(1), Duration.ofSeconds(1),
                        2, 2)), registry, Clock.systemUTC()).start();
        cleanup.add(lb);
        awaitStates(lb, BackendState.UP, 2);

        a.stopListening();
        for (int i = 0; i < 4; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                assertThat(c.readLine()).as("every client is served by b").isEqualTo("b");
            }
        }
        assertThat(status(lb, a).state()).as("a refused a proxied connection").isEqualTo(BackendState.DOWN);

        b.stopListening();
        try (TestClient c = new TestClient(lb.localAddress())) {
            assertThat(c.closedWithin(WAIT)).as("nothing to connect to: the client is closed").isTrue();
        }
        assertThat(status(lb, b).state()).as("the last UP backend is left to the checks").isEqualTo(BackendState.UP);
    }

    private void roundRobinSpreads(LoadBalancer lb) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                seen.merge(c.readLine(), 1, Integer::sum);
                assertThat(c.echo("hello " + i)).isEqualTo("hello " + i);
            }
        }

        assertThat(seen).containsOnlyKeys("a", "b", "c").allSatisfy((name, n) -> assertThat(n).isEqualTo(3));
        assertThat(registry.get("trireme.lb.bytes").tag("direction", "to_backend").counter().count()).isPositive();
    }

    @Test
    void nioTransport_sameBehaviour() throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        LoadBalancer lb = start(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0),
                List.of(a.address(), b.address())).withNativeTransport(false));
        awaitStates(lb, BackendState.UP, 2);
        assertThat(lb.nativeTransport()).isFalse();

        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                names.add(c.readLine());
                assertThat(c.echo("over nio")).isEqualTo("over nio");
            }
        }
        assertThat(names).containsExactlyInAnyOrder("a", "a", "b", "b");
    }

    @Test
    void leastConnections_newConnectionGoesToTheIdleBackend() throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        LoadBalancer lb = start(BalancingPolicy.LEAST_CONNECTIONS, a, b);
        Map<String, List<TestClient>> byBackend = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            TestClient c = connect(lb);
            byBackend.computeIfAbsent(c.readLine(), k -> new ArrayList<>()).add(c);
        }
        assertThat(byBackend.get("a")).hasSize(2);
        assertThat(byBackend.get("b")).hasSize(2);

        for (TestClient c : byBackend.get("a")) {
            c.close();
        }
        await().atMost(WAIT).until(() -> status(lb, a).activeConnections() == 0);

        for (int i = 0; i < 2; i++) {
            TestClient c = connect(lb);
            assertThat(c.readLine()).as("connection %d after a went idle", i).isEqualTo("a");
        }
    }

    @Test
    void backendStopsListening_itsProxiedConnectionsClosedAtOnce_newOnesGoElsewhere_thenItReturns()
            throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a, b);
        List<TestClient> onA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestClient c = connect(lb);
            if (c.readLine().equals("a")) {
                onA.add(c);
            }
        }
        assertThat(onA).hasSize(2);

        a.stopListening();

        await().atMost(WAIT).until(() -> status(lb, a).state() == BackendState.DOWN);
        for (TestClient c : onA) {
            assertThat(c.closedWithin(WAIT)).as("client of the DOWN backend is closed, not left hanging").isTrue();
        }
        for (int i = 0; i < 4; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                assertThat(c.readLine()).isEqualTo("b");
            }
        }

        a.listenAgain();
        await().atMost(WAIT).until(() -> status(lb, a).state() == BackendState.UP);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                names.add(c.readLine());
            }
        }
        assertThat(names).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void backendKilled_proxiedConnectionsClosed_newConnectionsGoToTheOthers() throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a, b);
        TestClient first = connect(lb);
        TestClient second = connect(lb);
        TestClient onA = first.readLine().equals("a") ? first : second;
        assertThat(second.readLine()).isNotEqualTo(first == onA ? "a" : "b");

        a.close();

        assertThat(onA.closedWithin(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> status(lb, a).state() == BackendState.DOWN);
        for (int i = 0; i < 3; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                assertThat(c.readLine()).isEqualTo("b");
            }
        }
    }

    @Test
    void noBackendUp_clientClosedAtOnceAndCounted() throws Exception {
        TagServer a = backend("a");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a);
        a.close();
        await().atMost(WAIT).until(() -> !lb.hasHealthyBackend());

        TestClient c = connect(lb);

        assertThat(c.closedWithin(WAIT)).isTrue();
        assertThat(refused("no_backend")).isEqualTo(1);
    }

    @Test
    void connectionLimit_excessClientClosedAtOnceAndCounted_slotFreedOnClose() throws Exception {
        TagServer a = backend("a");
        LoadBalancer lb = start(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0), List.of(a.address()))
                .withMaxConnections(2));
        awaitStates(lb, BackendState.UP, 1);
        TestClient c1 = connect(lb);
        TestClient c2 = connect(lb);
        assertThat(c1.readLine()).isEqualTo("a");
        assertThat(c2.readLine()).isEqualTo("a");

        TestClient c3 = connect(lb);
        assertThat(c3.closedWithin(WAIT)).isTrue();
        assertThat(refused("limit")).isEqualTo(1);

        c1.close();
        await().atMost(WAIT).until(() -> lb.activeConnections() == 1);
        TestClient c4 = connect(lb);
        assertThat(c4.readLine()).isEqualTo("a");
    }

    @Test
    void updateBackends_membershipChangesWithoutRestart() throws Exception {
        TagServer a = backend("a");
        TagServer b = backend("b");
        LoadBalancer lb = start(BalancingPolicy.ROUND_ROBIN, a);
        TestClient onA = connect(lb);
        assertThat(onA.readLine()).isEqualTo("a");

        lb.updateBackends(List.of(a.address(), b.address()));
        await().atMost(WAIT).until(() -> status(lb, b).state() == BackendState.UP);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (TestClient c = new TestClient(lb.localAddress())) {
                names.add(c.readLine());
            }
        }
        assertThat(names).containsOnly("a", "b").contains("a", "b");

        lb.updateBackends(List.of(b.address()));
        assertThat(onA.closedWithin(WAIT)).as("connections to a removed backend are closed").isTrue();
        assertThat(lb.backends()).extracting(BackendStatus::address).containsExactly(b.address());
        try (TestClient c = new TestClient(lb.localAddress())) {
            assertThat(c.readLine()).isEqualTo("b");
        }
    }

    @Test
    void slowReader_backendIsThrottled_lbMemoryStaysBounded_noByteLost() throws Exception {
        long writerCap = 1L << 30;
        AtomicLong sent = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        AtomicBoolean writing = new AtomicBoolean();
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> firehose(s, writerCap, sent, stop, writing), "firehose");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "firehose-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LoadBalancer lb = start(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0),
                List.of(new BackendAddress("127.0.0.1", server.getLocalPort()))));
        awaitStates(lb, BackendState.UP, 1);

        Socket client = new Socket();
        cleanup.add(client);
        client.setReceiveBufferSize(64 * 1024);
        client.connect(lb.localAddress(), 5_000);
        client.getOutputStream().write('G');

        long[] last = {-1, System.nanoTime()};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = sent.get();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return now > 0 && System.nanoTime() - last[1] > Duration.ofSeconds(1).toNanos();
        });
        long stalledAt = sent.get();
        assertThat(stalledAt).as("the backend is stalled well before the writer cap").isLessThan(128L << 20);
        assertThat(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()).isLessThan(64L << 20);
        assertThat(writing.get()).as("the backend writer is blocked in write(), not finished").isTrue();

        stop.set(true);
        long received = 0;
        byte[] buf = new byte[256 * 1024];
        client.setSoTimeout(30_000);
        InputStream in = client.getInputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
            received += n;
        }
        assertThat(writing.get()).isFalse();
        assertThat(received).isEqualTo(sent.get());
    }

    /**
     * Serves one connection: waits for a first byte (health-check connections close without sending one), then
     * writes as fast as the socket takes it until {@code stop} or {@code cap}, then closes.
     */
    private static void firehose(Socket s, long cap, AtomicLong sent, AtomicBoolean stop, AtomicBoolean writing) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            if (in.read() < 0) {
                return;
            }
            writing.set(true);
            try {
                byte[] chunk = new byte[64 * 1024];
                while (!stop.get() && sent.get() < cap) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } finally {
                writing.set(false);
            }
        } catch (IOException e) {
            // the test ended
        }
    }
}
