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
 */
public record Advert(int vrid, int priority, int advertIntervalMillis, PeerId sender, long bootEpoch,
                     long sequence, long timestampMillis) {

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
    }
}
