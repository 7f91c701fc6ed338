package io.trireme.lb;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the periodic checks of every backend on the I/O event loops (one check in flight per backend, the next one
 * {@code interval} after the previous ended), feeds the results to {@link BackendHealth}, and acts on
 * transitions: a backend that goes DOWN has its proxied connections closed at once, so clients reconnect through
 * a healthy backend instead of hanging.
 */
final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final String name;
    private final HealthCheckSettings settings;
    private final HealthProbe probe;
    private final EventLoopGroup group;
    private volatile boolean stopped;

    HealthChecker(String name, HealthCheckSettings settings, HealthProbe probe, EventLoopGroup group) {
        this.name = name;
        this.settings = settings;
        this.probe = probe;
        this.group = group;
    }

    /** Starts checking {@code backend} now; checks stop when it is removed or the checker stops. */
    void start(Backend backend) {
        EventLoop loop = group.next();
        loop.execute(() -> runCheck(backend, loop));
    }

    void stop() {
        stopped = true;
        probe.releaseAll();
    }

    private void runCheck(Backend backend, EventLoop loop) {
        if (stopped || backend.removed()) {
            probe.release(backend.address());
            return;
        }
        probe.check(backend.address(), loop).addListener(f -> {
            if (stopped || backend.removed()) {
                probe.release(backend.address());
                return;
            }
            if (f.isSuccess()) {
                backend.health().recordPass().ifPresent(t -> backend.onTransition(name, t));
            } else {
                String reason = HealthProbe.describe(f.cause());
                backend.meters().checkFailures().increment();
                LOG.debug("lb {}: check of {} failed: {}", name, backend, reason);
                backend.health().recordFailure(reason).ifPresent(t -> backend.onTransition(name, t));
            }
            backend.nextCheck(loop.schedule(() -> runCheck(backend, loop),
                    settings.interval().toNanos(), TimeUnit.NANOSECONDS));
        });
    }

}
