package io.trireme.vip.election;

import java.time.Duration;
import java.util.Objects;

/**
 * What the election needs to know about this router.
 *
 * @param priority       1–254; 255 (address owner) is reserved and 0 means "I am leaving"
 * @param advertInterval how often a master advertises (1 ms – 65.535 s; the wire carries milliseconds)
 * @param preempt        whether a higher-priority backup takes over from a lower-priority master
 * @param preemptDelay   how long a lower-priority master must have been seen before preempting it
 * @param hysteresis     how long health must stay good again before this router may become master
 * @param routers        how many routers the virtual router has, this one included, or 0 when unknown
 *                       (multicast). When known, the election is <em>quorum-fenced</em>: backups advertise too
 *                       ("standby" adverts), a router claims only while it hears a majority, only the
 *                       highest-ranked eligible backup claims, and a master that stops hearing a majority of routers
 *                       that hear it gives the address up before any backup may claim it
 */
public record ElectionSettings(int priority, Duration advertInterval, boolean preempt, Duration preemptDelay,
                               Duration hysteresis, int routers) {

    /** Plain RFC 5798 behaviour, for a router that does not know the group's size. */
    public ElectionSettings(int priority, Duration advertInterval, boolean preempt, Duration preemptDelay,
                            Duration hysteresis) {
        this(priority, advertInterval, preempt, preemptDelay, hysteresis, 0);
    }

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 254;
    public static final int LEAVING = 0;

    public ElectionSettings {
        Objects.requireNonNull(advertInterval, "advertInterval");
        Objects.requireNonNull(preemptDelay, "preemptDelay");
        Objects.requireNonNull(hysteresis, "hysteresis");
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 1..254 (255 is reserved, 0 means leaving): "
                    + priority);
        }
        if (advertInterval.toMillis() < 1 || advertInterval.toMillis() > 65_535) {
            throw new IllegalArgumentException("advertInterval must be 1 ms .. 65.535 s: " + advertInterval);
        }
        if (preemptDelay.isNegative() || hysteresis.isNegative()) {
            throw new IllegalArgumentException("preemptDelay and hysteresis must not be negative");
        }
        if (routers < 0 || routers > 255) {
            throw new IllegalArgumentException("routers must be 0 (unknown) .. 255: " + routers);
        }
    }

    /** Whether the group's size is known, which turns the quorum fencing on. */
    public boolean quorumFenced() {
        return routers > 0;
    }

    /** Routers, this one included, that must hear each other for a router to claim or keep the address. */
    public int majority() {
        return routers / 2 + 1;
    }

    /**
     * How recently a peer must have been heard to count (W = four advert intervals, so that three late or lost
     * standby adverts in a row from every peer — a peer JVM descheduled for 0.3 s on a loaded machine, with the
     * other peer down — do not fence a healthy master). A master keeps the address only while
     * a majority of routers (itself included) told it within W that they hear a master.
     */
    public long contactWindowNanos() {
        return 4 * advertInterval.toNanos();
    }

    /** A backup's standby adverts say "I hear a master" while its last master advert is this recent (1.5 intervals). */
    public long hearsMasterWindowNanos() {
        return 3 * advertInterval.toNanos() / 2;
    }

    /**
     * How long a backup waits after the master's last advert before claiming: the RFC's Master_Down_Interval, plus
     * three advert intervals when quorum-fenced (6 intervals + Skew_Time). That makes every claim come after a silent
     * master's release: once its adverts stop reaching the others it is confirmed for at most
     * {@link #hearsMasterWindowNanos} more and releases {@link #contactWindowNanos} after the last confirmation,
     * 5.5 intervals after the advert the others heard last; a master cut off from the others releases 4 intervals
     * after the cut, while they claim at the earliest 5 intervals + Skew_Time after it.
     */
    public long claimAfterSilenceNanos(long masterAdvertIntervalNanos) {
        return masterDownNanos(masterAdvertIntervalNanos) + (quorumFenced() ? 3 * advertInterval.toNanos() : 0);
    }

    /** RFC 5798 Skew_Time = ((256 − priority) × Master_Adver_Interval) / 256. */
    public long skewNanos(long masterAdvertIntervalNanos) {
        return (256L - priority) * masterAdvertIntervalNanos / 256L;
    }

    /** RFC 5798 Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time. */
    public long masterDownNanos(long masterAdvertIntervalNanos) {
        return 3L * masterAdvertIntervalNanos + skewNanos(masterAdvertIntervalNanos);
    }
}
