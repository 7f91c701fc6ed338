package io.trireme.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trireme.vip.advert.Advert;
import io.trireme.vip.advert.AdvertCodec;
import io.trireme.vip.election.ElectionSettings;
import io.trireme.vip.election.PeerId;
import io.trireme.vip.election.ElectionState.Role;
import io.trireme.vip.health.HealthGate;
import io.trireme.vip.health.HealthSignal;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three agents in one JVM, adverts over UDP on 127.0.0.1, the VIP 127.0.0.100 in loopback mode with a real
 * frontend bound on it. A watcher samples every agent throughout and records the largest number of
 * simultaneous holders.
 */
class VipAgentIT {

    private static final Logger LOG = LoggerFactory.getLogger(VipAgentIT.class);
    private static final String KEY = "integration-test-shared-key-0123456789";
    private static final Duration ADVERT = Duration.ofMillis(100);
    private static final Duration HYSTERESIS = Duration.ofMillis(500);
    private static final Duration BUDGET = Duration.ofSeconds(10); // generous: a slow machine must not fail this

    private final InetAddress vip = address("127.0.0.100");
    private final List<VipAgent> agents = new ArrayList<>();
    private final List<ServingFrontend> frontends = new ArrayList<>();
    private final List<HealthSignal> apiservers = new ArrayList<>();
    private final List<SimpleMeterRegistry> registries = new ArrayList<>();
    private final AtomicInteger maxHolders = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private int frontendPort;
    private Thread watcher;

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates {@code n} agents n1..n{@code n} (priorities 200, 150, 100, 75, 50) that know each other. */
    private void createAgents(int n) throws IOException {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = freeUdpPort();
        }
        int[] priorities = {200, 150, 100, 75, 50};
        for (int i = 0; i < n; i++) {
            VipConfig.Builder b = VipConfig.builder().nodeName("n" + (i + 1)).priority(priorities[i])
                    .advertInterval(ADVERT).hysteresis(HYSTERESIS).authKey(KEY).vip(vip)
                    .bind(new InetSocketAddress("127.0.0.1", ports[i]));
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    b.peer(new InetSocketAddress("127.0.0.1", ports[j]));
                }
            }
            ServingFrontend frontend = new ServingFrontend("n" + (i + 1), frontendPort);
            HealthSignal apiserver = new HealthSignal("apiserver", true);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            frontends.add(frontend);
            apiservers.add(apiserver);
            registries.add(registry);
            agents.add(VipAgent.create(b.build(), HealthGate.of(apiserver), frontend, registry,
                    new VipAgent.Listener() { }));
        }
    }

    @BeforeEach
    void startWatcher() throws Exception {
        frontendPort = freeTcpPort();
        watcher = new Thread(() -> {
            while (watching.get()) {
                int holders = 0;
                for (VipAgent agent : agents) {
                    holders += agent.holdsVip() ? 1 : 0;
                }
                maxHolders.accumulateAndGet(holders, Math::max);
                LockSupport.parkNanos(200_000); // sample every 0.2 ms without taking a core from the agents
            }
        }, "holder-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        agents.forEach(VipAgent::abort);
        watching.set(false);
        watcher.join(5000);
        assertThat(maxHolders.get()).as("never two holders of the VIP").isLessThanOrEqualTo(1);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(vip, 0));
            return s.getLocalPort();
        }
    }

    private List<VipAgent> holders() {
        return agents.stream().filter(VipAgent::holdsVip).toList();
    }

    private VipAgent awaitSingleHolder() {
        return await().atMost(BUDGET).pollInterval(Duration.ofMillis(5)).until(this::holders, h -> h.size() == 1)
                .get(0);
    }

    private long millisUntilHeldBy(VipAgent expected, long since) {
        await().atMost(BUDGET).pollInterval(Duration.ofMillis(2)).until(expected::holdsVip);
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void fiveAgents_electOneOwner_killAndGracefulStopMoveTheVip_aMinorityNeverHoldsIt() throws IOException {
        createAgents(5);
        agents.forEach(VipAgent::start);

        // on a busy machine a lower priority may win the first round; preemption then hands the VIP to n1
        await().atMost(BUDGET).until(() -> holders().equals(List.of(agents.get(0))));
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n1");
        await().atMost(BUDGET).until(() -> agents.stream().allMatch(a -> a.owner().map(o -> o.name().equals("n1"))
                .orElse(false)));
        for (int i = 1; i < 5; i++) {
            assertThat(agents.get(i).state().role()).isEqualTo(Role.BACKUP);
        }

        // kill: no priority-0 advert; n2 takes over after its master-down interval
        long killedAt = System.nanoTime();
        agents.get(0).abort();
        long killMs = millisUntilHeldBy(agents.get(1), killedAt);
        long masterDownMs = new ElectionSettings(150, ADVERT, true, Duration.ZERO, Duration.ZERO, 5)
                .claimAfterSilenceNanos(ADVERT.toNanos()) / 1_000_000;
        LOG.info("VIP moved after kill in {} ms (claim delay {} ms)", killMs, masterDownMs);
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n2");
        assertThat(holders()).containsExactly(agents.get(1));

        // graceful stop: release, priority 0, n3 takes over after Skew_Time only
        double n3Promotions = promotions(2);
        long stoppedAt = System.nanoTime();
        agents.get(1).close();
        long handoverMs = millisUntilHeldBy(agents.get(2), stoppedAt);
        LOG.info("VIP moved after graceful stop in {} ms", handoverMs);
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n3");
        assertThat(promotions(2)).isEqualTo(n3Promotions + 1);

        // n3 dies too: n4 and n5 are 2 of 5 and must not take the VIP, however long they wait
        agents.get(2).abort();
        await().during(Duration.ofSeconds(3)).atMost(BUDGET).until(() -> holders().isEmpty());
    }

    @Test
    void ownerLosesHealth_vipMovesAtOnce_andComesBackOnlyAfterHysteresis() throws IOException {
        createAgents(3);
        agents.forEach(VipAgent::start);
        await().atMost(BUDGET).until(() -> holders().equals(List.of(agents.get(0))));

        long lostAt = System.nanoTime();
        apiservers.get(0).set(false);
        agents.get(0).recheckHealth();
        long moveMs = millisUntilHeldBy(agents.get(1), lostAt);
        LOG.info("VIP moved {} ms after the owner's apiserver check failed", moveMs);
        assertThat(agents.get(0).holdsVip()).isFalse();
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n2");

        long backAt = System.nanoTime();
        apiservers.get(0).set(true);
        agents.get(0).recheckHealth();
        long preemptMs = millisUntilHeldBy(agents.get(0), backAt);
        LOG.info("VIP back on the preferred node {} ms after its health returned (hysteresis {} ms)", preemptMs,
                HYSTERESIS.toMillis());
        assertThat(preemptMs).isGreaterThanOrEqualTo(HYSTERESIS.toMillis());
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n1");
    }

    @Test
    void foreignProcessServesTheVip_nobodyBecomesSecondOwner_thenTakeoverWhenFreed() throws IOException {
        createAgents(3);
        ServerSocketChannel foreign = ServerSocketChannel.open();
        foreign.bind(new InetSocketAddress(vip, frontendPort));
        try {
            agents.forEach(VipAgent::start);
            await().atMost(BUDGET).until(() -> registries.get(0).get("trireme.vip.address.failures").counter()
                    .count() >= 1);
            assertThat(holders()).isEmpty();
        } finally {
            foreign.close();
        }
        // freed: someone takes it, and preemption settles it on the highest priority
        awaitSingleHolder();
        await().atMost(BUDGET).until(() -> holders().equals(List.of(agents.get(0))));
        assertThat(ServingFrontend.whoServes(vip, frontendPort)).isEqualTo("n1");
    }

    @Test
    void rogueAdverts_wrongKeyOrReplayed_doNotMoveTheVip() throws Exception {
        createAgents(3);
        agents.forEach(VipAgent::start);
        await().atMost(BUDGET).until(() -> holders().equals(List.of(agents.get(0))));
        PeerId impostor = new PeerId(address("127.0.0.1"), 1, "rogue");
        byte[] forged = new AdvertCodec("not-the-shared-key-at-all!!".getBytes(StandardCharsets.UTF_8))
                .encode(new Advert(51, 254, 100, impostor, System.currentTimeMillis(), 1, System.currentTimeMillis()));
        // a genuine advert, captured once and replayed: only the first copy may count
        byte[] genuine = new AdvertCodec(KEY.getBytes(StandardCharsets.UTF_8))
                .encode(new Advert(51, 10, 100, impostor, System.currentTimeMillis(), 7, System.currentTimeMillis()));
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", agents.get(0).self().port());
        try (DatagramChannel ch = DatagramChannel.open()) {
            for (int i = 0; i < 50; i++) {
                ch.send(ByteBuffer.wrap(forged), target);
                ch.send(ByteBuffer.wrap(genuine), target);
            }
        }
        await().atMost(BUDGET).until(() -> dropped(0, "unauthenticated") == 50 && dropped(0, "replayed") == 49);
        // had a forged priority-254 advert been accepted, n1 would have stepped down
        assertThat(holders()).containsExactly(agents.get(0));
        assertThat(registries.get(0).get("trireme.vip.transitions").tag("to", "backup").counter().count())
                .isZero();
    }

    private double promotions(int agent) {
        return registries.get(agent).get("trireme.vip.transitions").tag("to", "master").counter().count();
    }

    private double dropped(int agent, String reason) {
        return registries.get(agent).get("trireme.vip.adverts.dropped").tag("reason", reason).counter().count();
    }
}
