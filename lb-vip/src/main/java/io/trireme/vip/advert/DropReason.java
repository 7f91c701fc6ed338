package io.trireme.vip.advert;

/** Why an incoming datagram was not handed to the election. Each is counted and logged once. */
public enum DropReason {
    /** Not a well-formed advert of a version we speak. */
    MALFORMED,
    /** The HMAC does not match the shared key. */
    UNAUTHENTICATED,
    /** Authenticated, but for another virtual router. */
    WRONG_VRID,
    /** Not newer than what this sender already sent (boot epoch, sequence). */
    REPLAYED,
    /** Timestamp too far from our clock: an old capture replayed after we restarted, or badly skewed clocks. */
    STALE;

    /** Lower-case tag value for metrics. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
