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
 */
public record ElectionSettings(int priority, Duration advertInterval, boolean preempt, Duration preemptDelay,
                               Duration hysteresis) {

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
