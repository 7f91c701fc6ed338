package io.trireme.vip.election;

/** Inputs of the state machine. The current time is read from the machine's {@link Ticker}. */
public sealed interface ElectionEvent {

    /** Join the election (RFC "Startup"); {@code healthy} is the health gate's verdict at that moment. */
    record Start(boolean healthy) implements ElectionEvent {
    }

    /**
     * An authenticated, fresh advertisement for our virtual router (already checked by the codec).
     *
     * @param standby     sent by a backup (quorum-fenced groups only): it tells who is alive, never claims
     * @param candidate   (standby) the sender would claim the address if no master were heard
     * @param hearsMaster (standby) the sender heard a master advert within the contact window
     */
    record AdvertReceived(PeerId sender, int priority, long advertIntervalNanos, boolean standby, boolean candidate,
                          boolean hearsMaster) implements ElectionEvent {

        /** A master's advert (or a priority-0 "leaving" one). */
        public AdvertReceived(PeerId sender, int priority, long advertIntervalNanos) {
            this(sender, priority, advertIntervalNanos, false, false, false);
        }

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
