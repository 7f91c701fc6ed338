package io.trireme.vip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trireme.vip.address.AddressException;
import io.trireme.vip.address.FrontendBinding;
import io.trireme.vip.address.IpVipAddress;
import io.trireme.vip.address.LoopbackVipAddress;
import io.trireme.vip.address.ProcessCommandRunner;
import io.trireme.vip.address.VipAddress;
import io.trireme.vip.advert.Advert;
import io.trireme.vip.advert.AdvertCodec;
import io.trireme.vip.advert.AdvertVerifier;
import io.trireme.vip.advert.ReplayGuard;
import io.trireme.vip.advert.Verdict;
import io.trireme.vip.election.Election;
import io.trireme.vip.election.ElectionAction;
import io.trireme.vip.election.ElectionEvent;
import io.trireme.vip.election.ElectionState;
import io.trireme.vip.election.PeerId;
import io.trireme.vip.election.Ticker;
import io.trireme.vip.health.HealthGate;
import io.trireme.vip.health.HealthStatus;
import io.trireme.vip.transport.AdvertTransport;
import io.trireme.vip.transport.DatagramTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node's side of the VIP: the election on its own thread, adverts on the transport's threads, address
 * changes and the {@link Listener} callbacks on an address thread (in order). Lifecycle: {@link #start()}, then
 * {@link #close()} (graceful: release the address, then a priority-0 advert so a backup takes over after only
 * Skew_Time) or {@link #abort()} (fail-stop: no advert, like a crash; the others take over after the
 * master-down interval).
 */
public final class VipAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VipAgent.class);

    /** What the node wires to VIP ownership. Called on the agent's address thread, one at a time, in order. */
    public interface Listener {
        /** The address is now held by this node. */
        default void onBecomeMaster() {
        }

        /** The address was held and is now released. */
        default void onBecomeBackup() {
        }

        /** The master as far as this node knows (empty = none known). */
        default void onOwnerChanged(Optional<PeerId> owner) {
        }
    }

    private final VipConfig config;
    private final String node;
    private final HealthGate health;
    private final VipAddress address;
    private final AdvertTransport transport;
    private final Ticker ticker;
    private final LongSupplier wallMillis;
    private final Election election;
    private final AdvertCodec codec;
    private final AdvertVerifier verifier;
    private final ScheduledThreadPoolExecutor loop;
    private final AddressOwnership ownership;
    private final long bootEpoch;
    private final Counter toMaster;
    private final Counter toBackup;

    // confined to the loop thread
    private long sequence;
    private boolean lastHealthy;
    private ScheduledFuture<?> timer;
    private long timerAt = Election.NEVER;

    private volatile ElectionState state = new ElectionState.Init();
    private volatile Optional<PeerId> owner = Optional.empty();
    private volatile boolean started;
    private volatile boolean stopped;

    /** The agent for {@code config.mode()} and {@code config.transport()}. Nothing runs before {@link #start()}. */
    public static VipAgent create(VipConfig config, HealthGate health, FrontendBinding frontend,
                                  MeterRegistry registry, Listener listener) {
        VipAddress address = switch (config.mode()) {
            case LOOPBACK -> new LoopbackVipAddress(config.nodeName(), config.vip(), frontend);
            case IP -> new IpVipAddress(config.nodeName(), config.vip(), config.prefixLength(), config.iface(),
                    frontend, new ProcessCommandRunner(), VipAgent::procSelfStatus, config.garpBurst(),
                    config.garpInterval());
        };
        AdvertTransport transport = switch (config.transport()) {
            case UNICAST -> DatagramTransport.unicast(config.nodeName(), config.bind(), config.peers(), registry);
            case MULTICAST -> DatagramTransport.multicast(config.nodeName(), config.multicastGroup(), config.iface(),
                    registry);
        };
        return new VipAgent(config, health, address, transport, Ticker.system(), System::currentTimeMillis,
                registry, listener);
    }

    VipAgent(VipConfig config, HealthGate health, VipAddress address, AdvertTransport transport, Ticker ticker,
             LongSupplier wallMillis, MeterRegistry registry, Listener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.node = config.nodeName();
        this.health = Objects.requireNonNull(health, "health");
        this.address = Objects.requireNonNull(address, "address");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.wallMillis = Objects.requireNonNull(wallMillis, "wallMillis");
        this.election = new Election(config.self(), config.electionSettings(), ticker);
        this.codec = new AdvertCodec(config.authKeyBytes());
        this.verifier = new AdvertVerifier(node, config.vrid(), codec,
                new ReplayGuard(config.replayWindow(), wallMillis), registry);
        this.bootEpoch = wallMillis.getAsLong();
        this.loop = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "vip-election-" + node));
        this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.loop.setRemoveOnCancelPolicy(true);
        String vrid = Integer.toString(config.vrid());
        this.toMaster = Counter.builder("trireme.vip.transitions").tag("vrid", vrid).tag("to", "master")
                .register(registry);
        this.toBackup = Counter.builder("trireme.vip.transitions").tag("vrid", vrid).tag("to", "backup")
                .register(registry);
        Counter addressFailures = Counter.builder("trireme.vip.address.failures").tag("vrid", vrid)
                .description("VIP acquisitions that failed").register(registry);
        long advertNanos = config.advertInterval().toNanos();
        Runnable stepDown = () -> submit(() -> {
            // treated like lost health: leave with priority 0, eligible again after the hysteresis
            lastHealthy = false;
            dispatch(new ElectionEvent.HealthChanged(false));
        });
        this.ownership = new AddressOwnership(node, address, Objects.requireNonNull(listener, "listener"), stepDown,
                addressFailures, config.electionSettings().masterDownNanos(advertNanos),
                Math.max(advertNanos / 10, TimeUnit.MILLISECONDS.toNanos(5)));
        Gauge.builder("trireme.vip.master", this, a -> a.state.role() == ElectionState.Role.MASTER ? 1 : 0)
                .tag("vrid", vrid).description("1 while this node is the elected master").register(registry);
        Gauge.builder("trireme.vip.held", this, a -> a.ownership.held() ? 1 : 0).tag("vrid", vrid)
                .description("1 while this node holds the VIP").register(registry);
    }

    /**
     * Checks the address mode's preconditions, binds the advert socket and joins the election as a backup.
     *
     * @throws VipException with a message saying what to fix (privileges, tools, subnet, port in use)
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            address.preflight();
        } catch (AddressException e) {
            stopThreads();
            throw new VipException("vip[" + node + "] cannot use " + config.mode() + " mode: " + e.getMessage(), e);
        }
        try {
            transport.start(this::onDatagram);
        } catch (IOException e) {
            stopThreads();
            throw new VipException("vip[" + node + "] cannot open the advert socket (" + config.transport() + " "
                    + config.bind() + "): " + e.getMessage(), e);
        }
        LOG.info("vip[{}] starting: {}; health checks {}", node, config, health.names());
        loop.execute(() -> {
            lastHealthy = health.status().healthy();
            dispatch(new ElectionEvent.Start(lastHealthy));
        });
        long poll = config.advertInterval().toNanos();
        loop.scheduleWithFixedDelay(this::pollHealth, poll, poll, TimeUnit.NANOSECONDS);
    }

    public ElectionState state() {
        return state;
    }

    /** The VIP owner as far as this node knows: itself while master, else the master it last heard. */
    public Optional<PeerId> owner() {
        return owner;
    }

    /** Whether this node has the address right now (placed and frontend bound). */
    public boolean holdsVip() {
        return ownership.held();
    }

    public PeerId self() {
        return election.self();
    }

    /** Re-evaluates the health gate now instead of at the next poll (call it from health callbacks). */
    public void recheckHealth() {
        submit(this::pollHealth);
    }

    /** Graceful stop: a master releases the address, then sends a priority-0 advert; waits up to a few seconds. */
    @Override
    public void close() {
        if (!begin()) {
            return;
        }
        try {
            loop.submit(() -> dispatch(new ElectionEvent.Shutdown())).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("vip[{}] shutdown of the election did not complete: {}", node, e.toString());
        }
        finish();
    }

    /** Fail-stop: stop at once without a priority-0 advert (the others notice after the master-down interval). */
    public void abort() {
        if (!begin()) {
            return;
        }
        LOG.warn("vip[{}] aborting without handover", node);
        finish();
    }

    private synchronized boolean begin() {
        if (!started || stopped) {
            return false;
        }
        stopped = true;
        return true;
    }

    private void finish() {
        loop.shutdownNow();
        awaitQuietly(loop);
        ownership.stop();
        transport.close();
        state = new ElectionState.Init();
        owner = Optional.empty();
        LOG.info("vip[{}] stopped", node);
    }

    private void stopThreads() {
        stopped = true;
        loop.shutdownNow();
        ownership.stop();
        transport.close();
    }

    private void onDatagram(byte[] data, int length, InetSocketAddress source) {
        if (verifier.verify(data, length, source) instanceof Verdict.Accepted ok) {
            Advert a = ok.advert();
            submit(() -> dispatch(new ElectionEvent.AdvertReceived(a.sender(), a.priority(),
                    TimeUnit.MILLISECONDS.toNanos(a.advertIntervalMillis()), a.has(Advert.STANDBY),
                    a.has(Advert.CANDIDATE), a.has(Advert.HEARS_MASTER))));
        }
    }

    private void pollHealth() {
        HealthStatus status = health.status();
        if (status.healthy() != lastHealthy) {
            lastHealthy = status.healthy();
            if (lastHealthy) {
                LOG.info("vip[{}] healthy again; eligible after {} ms of hysteresis", node,
                        config.hysteresis().toMillis());
            } else {
                LOG.info("vip[{}] unhealthy (failing: {}); not eligible for the VIP", node, status.failing());
            }
            dispatch(new ElectionEvent.HealthChanged(lastHealthy));
        }
    }

    private void dispatch(ElectionEvent event) {
        for (ElectionAction action : election.handle(event)) {
            apply(action);
        }
        state = election.state();
        rescheduleTimer();
    }

    private void apply(ElectionAction action) {
        if (action instanceof ElectionAction.SendAdvert send) {
            byte[] datagram = advert(send.priority(), 0);
            if (send.priority() == 0) {
                ownership.then(() -> transport.send(datagram)); // after the queued release
            } else {
                transport.send(datagram);
            }
        } else if (action instanceof ElectionAction.SendStandby standby) {
            transport.send(advert(standby.priority(), Advert.STANDBY | (standby.candidate() ? Advert.CANDIDATE : 0)
                    | (standby.hearsMaster() ? Advert.HEARS_MASTER : 0)));
        } else if (action instanceof ElectionAction.TakeOver) {
            toMaster.increment();
            LOG.info("vip[{}] elected master (priority {}); taking {}", node, config.priority(),
                    config.vip().getHostAddress());
            ownership.take();
        } else if (action instanceof ElectionAction.GiveUp giveUp) {
            toBackup.increment();
            LOG.info("vip[{}] giving up {}: {}", node, config.vip().getHostAddress(), giveUp.reason());
            ownership.giveUp();
        } else if (action instanceof ElectionAction.OwnerChanged change) {
            owner = change.owner();
            LOG.info("vip[{}] VIP owner is now {}", node, change.owner().map(PeerId::toString).orElse("unknown"));
            ownership.ownerChanged(change.owner());
        } else {
            throw new IllegalStateException("unknown action " + action);
        }
    }

    private byte[] advert(int priority, int flags) {
        return codec.encode(new Advert(config.vrid(), priority, (int) config.advertInterval().toMillis(),
                election.self(), bootEpoch, ++sequence, wallMillis.getAsLong(), flags));
    }

    private void rescheduleTimer() {
        long next = election.nextDeadline();
        if (next == timerAt) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = next;
        if (next != Election.NEVER) {
            timer = loop.schedule(() -> {
                timerAt = Election.NEVER;
                dispatch(new ElectionEvent.TimerFired());
            }, Math.max(0, next - ticker.nanos()), TimeUnit.NANOSECONDS);
        }
    }

    private void submit(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("vip executor did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String procSelfStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AddressException("cannot read /proc/self/status (ip mode needs Linux): " + e.getMessage(), e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
