package io.trireme.vip.election;

import java.time.Duration;

/** A ticker that moves only when told to. */
final class FakeTicker implements Ticker {

    private long now = 1_000_000_000L;

    @Override
    public long nanos() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }

    void advanceTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }
}
