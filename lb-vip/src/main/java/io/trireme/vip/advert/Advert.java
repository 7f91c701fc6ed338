package io.trireme.vip.advert;

import io.trireme.vip.election.PeerId;
import java.util.Objects;

/**
 * One advertisement.
 *
 * @param vrid                 virtual router id, 1–255
 * @param priority             0–255 (0 = the sender is leaving)
 * @param advertIntervalMillis the sender's advertisement interval, 1–65535 ms
 * @param sender               who sent it (address, advert port, node name)
 * @param bootEpoch            chosen by the sender at start and larger than at any earlier start (wall millis)
 * @param sequence             increases with every advert the sender sends within one boot epoch
 * @param timestampMillis      the sender's wall clock when it sent the advert
 * @param flags                {@link #STANDBY}, {@link #CANDIDATE}, {@link #HEARS_MASTER}; 0 for a master's advert
 */
public record Advert(int vrid, int priority, int advertIntervalMillis, PeerId sender, long bootEpoch,
                     long sequence, long timestampMillis, int flags) {

    /** Sent by a backup of a quorum-fenced group: who is alive; never a claim. */
    public static final int STANDBY = 1;
    /** (standby) the sender would claim if it heard no master. */
    public static final int CANDIDATE = 2;
    /** (standby) the sender heard a master advert within the contact window. */
    public static final int HEARS_MASTER = 4;
    /** Every flag this version knows; others are malformed. */
    public static final int KNOWN_FLAGS = STANDBY | CANDIDATE | HEARS_MASTER;

    /** A master's advert (no flags). */
    public Advert(int vrid, int priority, int advertIntervalMillis, PeerId sender, long bootEpoch, long sequence,
                  long timestampMillis) {
        this(vrid, priority, advertIntervalMillis, sender, bootEpoch, sequence, timestampMillis, 0);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public Advert {
        Objects.requireNonNull(sender, "sender");
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid must be 1..255: " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255: " + priority);
        }
        if (advertIntervalMillis < 1 || advertIntervalMillis > 65_535) {
            throw new IllegalArgumentException("advert interval must be 1..65535 ms: " + advertIntervalMillis);
        }
        if ((flags & ~KNOWN_FLAGS) != 0 || ((flags & ~STANDBY) != 0 && (flags & STANDBY) == 0)) {
            throw new IllegalArgumentException("unknown or inconsistent flags 0x" + Integer.toHexString(flags));
        }
    }
}
