package io.trireme.vip.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionEvent.AdvertReceived;
import io.trireme.vip.election.ElectionEvent.HealthChanged;
import io.trireme.vip.election.ElectionEvent.Shutdown;
import io.trireme.vip.election.ElectionEvent.Start;
import io.trireme.vip.election.ElectionEvent.TimerFired;
import io.trireme.vip.election.ElectionState.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * N routers on a seeded, simulated network that loses, duplicates, delays (and so reorders) adverts, partitions
 * the routers and flaps their health. A router's health includes "in the majority" (the store quorum), so the
 * minority side of a partition must give up. Checked after every event: no unhealthy master. In every calm
 * phase (connected, no loss, everyone healthy) after a convergence time: never two masters, and exactly one
 * master at the end — the highest priority one when every router preempts.
 */
class ElectionSimulationTest {

    private static final Duration ADVERT = Duration.ofMillis(100);
    private static final long MS = 1_000_000L;
    private static final long CONVERGENCE = 2_000 * MS;
    private static final long CALM = 4_000 * MS;

    private final long[] clock = {0};
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            Comparator.comparingLong(Scheduled::at).thenComparingLong(Scheduled::seq));
    private long seq;
    private Random random;
    private Node[] nodes;
    private int[] group;
    private double loss;
    private double duplication;
    private long maxDelay;
    private boolean calm;
    private long calmCheckedFrom = Long.MAX_VALUE;
    private long events;

    private record Scheduled(long at, long seq, Runnable action) {
    }

    private final class Node {
        final int index;
        final PeerId id;
        final ElectionSettings settings;
        Election election;
        boolean alive = true;
        boolean locallyHealthy = true;
        boolean reportedHealthy;
        int generation;

        Node(int index, int priority, boolean preempt, Duration preemptDelay) {
            this.index = index;
            this.id = ElectionTest.peer(index + 1);
            this.settings = new ElectionSettings(priority, ADVERT, preempt, preemptDelay, Duration.ofMillis(300));
        }

        void boot() {
            election = new Election(id, settings, () -> clock[0]);
            alive = true;
            generation++;
            reportedHealthy = healthy(this);
            feed(new Start(reportedHealthy));
        }

        void feed(ElectionEvent event) {
            if (!alive) {
                return;
            }
            events++;
            for (ElectionAction action : election.handle(event)) {
                if (action instanceof SendAdvert advert) {
                    broadcast(this, advert.priority());
                }
            }
            long deadline = election.nextDeadline();
            if (deadline != Election.NEVER) {
                int gen = generation;
                schedule(Math.max(deadline, clock[0]), () -> {
                    if (gen == generation) {
                        feed(new TimerFired());
                    }
                });
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
    void atMostOneMaster_underLossDuplicationReorderPartitionsAndHealthFlaps(long seed) {
        random = new Random(seed);
        int n = 3 + random.nextInt(3);
        boolean allPreempt = random.nextBoolean();
        nodes = new Node[n];
        group = new int[n];
        for (int i = 0; i < n; i++) {
            int priority = random.nextInt(5) == 0 ? 100 : 1 + random.nextInt(254); // ties now and then
            boolean preempt = allPreempt || random.nextBoolean();
            Duration delay = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(300);
            nodes[i] = new Node(i, priority, preempt, delay);
        }
        calmNetwork();
        for (Node node : nodes) {
            node.boot();
        }
        int masterChanges = 0;
        for (int phase = 0; phase < 24; phase++) {
            if (phase % 2 == 0) {
                calmNetwork();
                for (Node node : nodes) {
                    if (!node.alive && random.nextInt(4) != 0) {
                        node.boot();
                    }
                }
                ensureMajorityAlive();
                reevaluateHealth();
                calm = true;
                calmCheckedFrom = clock[0] + CONVERGENCE;
                runUntil(clock[0] + CALM);
                calm = false;
                Node master = assertSingleMaster();
                if (allPreempt) {
                    Node best = bestAlive();
                    // equal priorities do not preempt each other (RFC 5798: a backup accepts priority >= own)
                    assertThat(master.settings.priority())
                            .as("seed %d: preempting routers elect the highest priority (%s)", seed, best.id)
                            .isEqualTo(best.settings.priority());
                }
                masterChanges++;
            } else {
                chaos();
                runUntil(clock[0] + (500 + random.nextInt(2500)) * MS);
            }
        }
        assertThat(masterChanges).isEqualTo(12);
        assertThat(events).isGreaterThan(1000);
    }

    private void calmNetwork() {
        loss = 0;
        duplication = 0.1;
        maxDelay = 20 * MS;
        java.util.Arrays.fill(group, 0);
        for (Node node : nodes) {
            node.locallyHealthy = true;
        }
    }

    private void chaos() {
        loss = random.nextDouble() * 0.6;
        duplication = random.nextDouble() * 0.3;
        maxDelay = (1 + random.nextInt(150)) * MS;
        boolean partition = random.nextBoolean();
        for (Node node : nodes) {
            group[node.index] = partition ? random.nextInt(2) : 0;
            if (random.nextInt(4) == 0) {
                node.locallyHealthy = !node.locallyHealthy;
            }
            if (node.alive && random.nextInt(6) == 0) {
                if (random.nextBoolean()) {
                    node.feed(new Shutdown()); // graceful: priority 0
                }
                node.alive = false;
                node.generation++;
            }
        }
        reevaluateHealth();
    }

    private void ensureMajorityAlive() {
        for (Node node : nodes) {
            if (aliveCount() * 2 > nodes.length) {
                return;
            }
            if (!node.alive) {
                node.boot();
            }
        }
    }

    private int aliveCount() {
        int alive = 0;
        for (Node node : nodes) {
            alive += node.alive ? 1 : 0;
        }
        return alive;
    }

    /** Local health and contact with a majority of the cluster (the store quorum). */
    private boolean healthy(Node node) {
        int reachable = 0;
        for (Node other : nodes) {
            if (other.alive && group[other.index] == group[node.index]) {
                reachable++;
            }
        }
        return node.locallyHealthy && reachable * 2 > nodes.length;
    }

    private void reevaluateHealth() {
        for (Node node : nodes) {
            boolean now = healthy(node);
            if (node.alive && now != node.reportedHealthy) {
                node.reportedHealthy = now;
                node.feed(new HealthChanged(now));
            }
        }
    }

    private void broadcast(Node from, int priority) {
        AdvertReceived advert = new AdvertReceived(from.id, priority, ADVERT.toNanos());
        for (Node to : nodes) {
            if (to == from || group[to.index] != group[from.index] || random.nextDouble() < loss) {
                continue;
            }
            int copies = random.nextDouble() < duplication ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                int gen = to.generation;
                schedule(clock[0] + 1 + (long) (random.nextDouble() * maxDelay), () -> {
                    if (gen == to.generation) {
                        to.feed(advert);
                    }
                });
            }
        }
    }

    private void schedule(long at, Runnable action) {
        queue.add(new Scheduled(at, seq++, action));
    }

    private void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().at() <= end) {
            Scheduled next = queue.poll();
            clock[0] = Math.max(clock[0], next.at());
            next.action().run();
            reevaluateHealth();
            checkInvariants();
        }
        clock[0] = end;
    }

    private void checkInvariants() {
        int masters = 0;
        for (Node node : nodes) {
            if (node.alive && node.election.state().role() == Role.MASTER) {
                masters++;
                assertThat(healthy(node)).as("master %s must be healthy at t=%d ms", node.id, clock[0] / MS)
                        .isTrue();
            }
        }
        if (calm && clock[0] >= calmCheckedFrom) {
            assertThat(masters).as("masters at t=%d ms in a calm, converged network", clock[0] / MS)
                    .isLessThanOrEqualTo(1);
        }
    }

    private Node assertSingleMaster() {
        List<Node> masters = new ArrayList<>();
        for (Node node : nodes) {
            if (node.alive && node.election.state().role() == Role.MASTER) {
                masters.add(node);
            }
        }
        assertThat(masters).as("exactly one master at the end of a calm phase, t=%d ms", clock[0] / MS).hasSize(1);
        return masters.get(0);
    }

    private Node bestAlive() {
        Node best = null;
        for (Node node : nodes) {
            if (node.alive && (best == null || node.settings.priority() > best.settings.priority()
                    || (node.settings.priority() == best.settings.priority() && node.id.compareTo(best.id) > 0))) {
                best = node;
            }
        }
        return best;
    }
}
