package io.trireme.vip.election;

/** Inputs of the state machine. The current time is read from the machine's {@link Ticker}. */
public sealed interface ElectionEvent {

    /** Join the election (RFC "Startup"); {@code healthy} is the health gate's verdict at that moment. */
    record Start(boolean healthy) implements ElectionEvent {
    }

    /** An authenticated, fresh advertisement for our virtual router (already checked by the codec). */
    record AdvertReceived(PeerId sender, int priority, long advertIntervalNanos) implements ElectionEvent {
        public AdvertReceived {
            if (priority < 0 || priority > 255) {
                throw new IllegalArgumentException("priority out of range: " + priority);
            }
            if (advertIntervalNanos <= 0) {
                throw new IllegalArgumentException("advert interval must be positive");
            }
        }
    }

    /** A timer may have expired; the machine compares its deadlines with the ticker (duplicates are harmless). */
    record TimerFired() implements ElectionEvent {
    }

    /** The health gate's verdict changed. */
    record HealthChanged(boolean healthy) implements ElectionEvent {
    }

    /** Leave the election (RFC "Shutdown"): a master sends a priority-0 advert first. */
    record Shutdown() implements ElectionEvent {
    }
}
