package io.trireme.vip.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionAction.SendStandby;
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
import org.junit.jupiter.params.provider.MethodSource;
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
    private boolean strict; // never two masters among running routers, at any instant
    private String fault = "";
    private final java.util.ArrayDeque<Traced> trace = new java.util.ArrayDeque<>(); // the last events, for failures

    private record Traced(long at, PeerId node, ElectionEvent event, List<ElectionAction> actions, ElectionState state) {
        @Override
        public String toString() {
            return at / 1000 + "us " + node.name() + " " + event + " -> " + actions + " => " + state;
        }
    }
    private int deaf = -1; // hears nothing
    private int mute = -1; // is heard by nobody
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

        boolean paused;
        long timerToken;
        final List<Runnable> deferred = new ArrayList<>();

        Node(int index, int priority, boolean preempt, Duration preemptDelay, int routers) {
            this.index = index;
            this.id = ElectionTest.peer(index + 1);
            this.settings = new ElectionSettings(priority, ADVERT, preempt, preemptDelay, Duration.ofMillis(300),
                    routers);
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
            List<ElectionAction> actions = election.handle(event);
            if (strict) {
                if (trace.size() == 200) {
                    trace.removeFirst();
                }
                trace.addLast(new Traced(clock[0], id, event, actions, election.state()));
            }
            for (ElectionAction action : actions) {
                if (action instanceof SendAdvert advert) {
                    broadcast(this, new AdvertReceived(id, advert.priority(), ADVERT.toNanos()));
                } else if (action instanceof SendStandby standby) {
                    broadcast(this, new AdvertReceived(id, standby.priority(), ADVERT.toNanos(), true,
                            standby.candidate(), standby.hearsMaster()));
                }
            }
            long deadline = election.nextDeadline();
            long token = ++timerToken; // like the agent: a new deadline replaces the pending timer
            if (deadline != Election.NEVER) {
                int gen = generation;
                schedule(Math.max(deadline, clock[0]), () -> {
                    if (gen == generation && token == timerToken) {
                        feed(new TimerFired());
                    }
                }, this);
            }
        }

        /**
         * SIGSTOP: nothing runs until {@link #resume}, which runs the due timer first and then the adverts that
         * arrived meanwhile, in arrival order (the worst order: silence is seen before the news).
         */
        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
            List<Runnable> due = new ArrayList<>(deferred);
            deferred.clear();
            if (alive) {
                feed(new TimerFired());
            }
            due.forEach(Runnable::run);
        }
    }

    /** 40 seeds; {@code -Dvip.sim.seeds=N} runs N (e.g. 1000 after a change to the election). */
    static java.util.stream.Stream<Long> seeds() {
        return java.util.stream.LongStream.rangeClosed(1, Integer.getInteger("vip.sim.seeds", 40)).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void quorumFenced_neverTwoRunningMasters_whenTheMasterDiesLeavesIsCutOffOrStalls(long seed) {
        random = new Random(seed);
        int n = 3 + 2 * random.nextInt(2);
        nodes = new Node[n];
        group = new int[n];
        List<Integer> priorities = new ArrayList<>(List.of(250, 150, 50, 200, 100));
        java.util.Collections.shuffle(priorities, random);
        for (int i = 0; i < n; i++) {
            nodes[i] = new Node(i, priorities.get(i), false, Duration.ZERO, n);
        }
        calmNetwork();
        maxDelay = (1 + random.nextInt(30)) * MS; // delay (and so reordering) up to 30 ms, no loss
        duplication = 0.1;
        strict = true;
        for (Node node : nodes) {
            node.boot();
        }
        runUntil(clock[0] + CALM);
        int faults = 0;
        for (int round = 0; round < 8; round++) {
            Node master = assertSingleMaster();
            fault = List.of("kill", "stop", "cutoff", "deaf", "mute", "stall-backup", "stall-master")
                    .get(random.nextInt(7));
            switch (fault) {
                case "kill" -> {
                    master.alive = false;
                    master.generation++;
                }
                case "stop" -> {
                    master.feed(new Shutdown());
                    master.alive = false;
                    master.generation++;
                }
                case "cutoff" -> group[master.index] = 1;
                case "deaf" -> deaf = master.index;
                case "mute" -> mute = master.index;
                case "stall-master" -> { // SIGSTOP: the frozen master cannot let go; it must on waking up
                    master.pause();
                    runUntil(clock[0] + (300 + random.nextInt(1500)) * MS);
                    master.resume();
                }
                default -> {
                    Node backup = nodes[(master.index + 1 + random.nextInt(n - 1)) % n];
                    backup.pause();
                    runUntil(clock[0] + (300 + random.nextInt(700)) * MS);
                    backup.resume();
                }
            }
            faults++;
            runUntil(clock[0] + CALM);
            assertThat(masterCount()).as("seed %d round %d (%s): a master after the fault", seed, round, fault)
                    .isEqualTo(1);
            // heal: the old master comes back (as a backup: nobody preempts)
            java.util.Arrays.fill(group, 0);
            deaf = -1;
            mute = -1;
            if (!master.alive) {
                master.boot();
            }
            runUntil(clock[0] + CALM);
        }
        assertThat(faults).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
    void atMostOneMaster_underLossDuplicationReorderPartitionsAndHealthFlaps(long seed) {
        chaosRun(seed, false);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void quorumFenced_atMostOneMaster_underLossDuplicationReorderPartitionsAndHealthFlaps(long seed) {
        chaosRun(seed, true);
    }

    private void chaosRun(long seed, boolean quorumFenced) {
        random = new Random(seed);
        int n = 3 + random.nextInt(3);
        boolean allPreempt = random.nextBoolean();
        nodes = new Node[n];
        group = new int[n];
        for (int i = 0; i < n; i++) {
            int priority = random.nextInt(5) == 0 ? 100 : 1 + random.nextInt(254); // ties now and then
            boolean preempt = allPreempt || random.nextBoolean();
            Duration delay = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(300);
            nodes[i] = new Node(i, priority, preempt, delay, quorumFenced ? n : 0);
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
        return node.locallyHealthy && (strict || reachable * 2 > nodes.length); // strict: the election alone
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

    private void broadcast(Node from, AdvertReceived advert) {
        for (Node to : nodes) {
            if (to == from || group[to.index] != group[from.index] || random.nextDouble() < loss
                    || from.index == mute || to.index == deaf) {
                continue;
            }
            int copies = random.nextDouble() < duplication ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                int gen = to.generation;
                schedule(clock[0] + 1 + (long) (random.nextDouble() * maxDelay), () -> {
                    if (gen == to.generation) {
                        to.feed(advert);
                    }
                }, to);
            }
        }
    }

    /** Runs {@code action} for {@code node} at {@code at}, or when it resumes if it is paused then. */
    private void schedule(long at, Runnable action, Node node) {
        queue.add(new Scheduled(at, seq++, () -> {
            if (node.paused) {
                node.deferred.add(action);
            } else {
                action.run();
            }
        }));
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
        if (strict) {
            int running = masterCount();
            if (running > 1) { // the description is costly: build it only for a failure
                assertThat(running).as("masters at t=%d ms after fault %s; last events:%n%s", clock[0] / MS, fault,
                        trace.stream().map(Traced::toString).collect(java.util.stream.Collectors.joining("\n")))
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    private int masterCount() {
        int masters = 0;
        for (Node node : nodes) {
            masters += node.alive && !node.paused && node.election.state().role() == Role.MASTER ? 1 : 0;
        }
        return masters;
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
