package io.trireme.vip;

import io.micrometer.core.instrument.Counter;
import io.trireme.vip.address.VipAddress;
import io.trireme.vip.election.PeerId;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the election's decisions on the {@link VipAddress}, on one dedicated thread so the election
 * never waits on the OS, and in order: take, give up, tell the {@link VipAgent.Listener}. When the address is
 * refused (loopback: someone still serves it), the usual cause is the previous master that has not yet heard our
 * first advert, so acquisition is retried for one master-down interval while still elected; after that
 * {@code onGiveUp} tells the agent to step down as if health were lost.
 */
final class AddressOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(AddressOwnership.class);

    private final String node;
    private final VipAddress address;
    private final VipAgent.Listener listener;
    private final Runnable onGiveUp;
    private final Counter failures;
    private final long retryWindowNanos;
    private final long retryNanos;
    private final ScheduledThreadPoolExecutor thread;

    private volatile boolean wanted;
    private long failingSince = -1; // confined to the thread

    AddressOwnership(String node, VipAddress address, VipAgent.Listener listener, Runnable onGiveUp,
                     Counter failures, long retryWindowNanos, long retryNanos) {
        this.node = node;
        this.address = address;
        this.listener = listener;
        this.onGiveUp = onGiveUp;
        this.failures = failures;
        this.retryWindowNanos = retryWindowNanos;
        this.retryNanos = retryNanos;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vip-address-" + node);
            t.setDaemon(true);
            return t;
        });
        this.thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Elected: place the address (retrying for a while if it is refused). */
    void take() {
        wanted = true;
        run(() -> {
            failingSince = -1; // a fresh retry window for this term as master
            acquire();
        });
    }

    /** No longer master: remove the address. */
    void giveUp() {
        wanted = false;
        run(this::release);
    }

    /** Runs {@code task} after everything queued so far (e.g. a priority-0 advert after the release). */
    void then(Runnable task) {
        run(task);
    }

    void ownerChanged(Optional<PeerId> owner) {
        run(() -> callback("onOwnerChanged", () -> listener.onOwnerChanged(owner)));
    }

    boolean held() {
        return address.isHeld();
    }

    /** Releases the address if held and stops the thread (waits up to 5 s). */
    void stop() {
        wanted = false;
        run(this::release);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("vip[{}] address thread did not stop within 5 s", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (address instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("vip[{}] closing the address: {}", node, e.toString());
            }
        }
    }

    private void acquire() {
        if (!wanted || address.isHeld()) {
            return;
        }
        try {
            address.acquire();
        } catch (RuntimeException e) { // AddressException, or a failing FrontendBinding
            long now = System.nanoTime();
            if (failingSince == -1) {
                failingSince = now;
            }
            if (now - failingSince < retryWindowNanos) {
                LOG.debug("vip[{}] VIP not free yet, retrying: {}", node, e.getMessage());
                schedule(this::acquire, retryNanos);
                return;
            }
            failingSince = -1;
            failures.increment();
            LOG.warn("vip[{}] cannot take the VIP, stepping down: {}", node, e.getMessage());
            onGiveUp.run();
            return;
        }
        failingSince = -1;
        callback("onBecomeMaster", listener::onBecomeMaster);
    }

    private void release() {
        if (address.isHeld()) {
            address.release();
            callback("onBecomeBackup", listener::onBecomeBackup);
        }
    }

    private void callback(String name, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.error("vip[{}] listener {} failed", node, name, e);
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("vip[{}] address thread stopped; dropping a task", node);
        }
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            thread.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("vip[{}] address thread stopped; not retrying", node);
        }
    }
}
