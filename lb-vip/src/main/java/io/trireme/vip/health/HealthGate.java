package io.trireme.vip.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All conditions a node must meet to hold the VIP: healthy when every registered {@link HealthCheck} is. A
 * check that throws counts as failing. Checks may be added while the agent runs (components start later than
 * the agent); the agent polls {@link #status()} every advert interval and can be nudged to re-check at once.
 */
public final class HealthGate {

    private static final Logger LOG = LoggerFactory.getLogger(HealthGate.class);

    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();

    public static HealthGate of(HealthCheck... checks) {
        HealthGate gate = new HealthGate();
        for (HealthCheck check : checks) {
            gate.add(check);
        }
        return gate;
    }

    public HealthGate add(HealthCheck check) {
        for (HealthCheck existing : checks) {
            if (existing.name().equals(check.name())) {
                throw new IllegalArgumentException("duplicate health check name: " + check.name());
            }
        }
        checks.add(check);
        return this;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        checks.forEach(c -> names.add(c.name()));
        return names;
    }

    public HealthStatus status() {
        List<String> failing = new ArrayList<>();
        for (HealthCheck check : checks) {
            boolean ok;
            try {
                ok = check.healthy();
            } catch (RuntimeException e) {
                LOG.debug("health check {} threw; counting it as failing", check.name(), e);
                ok = false;
            }
            if (!ok) {
                failing.add(check.name());
            }
        }
        return new HealthStatus(failing);
    }
}
