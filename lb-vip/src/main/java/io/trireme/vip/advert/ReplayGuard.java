package io.trireme.vip.advert;

import io.trireme.vip.election.PeerId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Rejects adverts that are not newer than the last one accepted from the same sender. "Newer" is the pair
 * (boot epoch, sequence): a restarted sender picks a larger boot epoch and starts its sequence again, so its
 * first advert after a restart is accepted while captures of its previous life are not. Because this memory is
 * lost when <em>we</em> restart, adverts whose timestamp is further than {@code window} from our clock are
 * rejected too. Not thread-safe (used by the single receive thread).
 */
public final class ReplayGuard {

    private static final int MAX_SENDERS = 1024;

    private record Mark(long bootEpoch, long sequence, long seenAtMillis) {
    }

    private final Duration window;
    private final LongSupplier wallMillis;
    private final Map<PeerId, Mark> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Mark> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    public ReplayGuard(Duration window, LongSupplier wallMillis) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("replay window must be positive: " + window);
        }
        this.window = window;
        this.wallMillis = wallMillis;
    }

    /** Returns why the advert must be dropped, or empty after recording it as the newest from its sender. */
    public Optional<Verdict.Dropped> admit(Advert advert) {
        long now = wallMillis.getAsLong();
        long skew = Math.abs(now - advert.timestampMillis());
        if (skew > window.toMillis()) {
            return Optional.of(new Verdict.Dropped(DropReason.STALE, "timestamp " + skew + " ms away from our clock"
                    + " (window " + window.toMillis() + " ms) from " + advert.sender()));
        }
        Mark mark = last.get(advert.sender());
        if (mark != null && now - mark.seenAtMillis() > window.toMillis()) {
            // silent for longer than the window: anything older is rejected as stale anyway, and forgetting
            // lets a sender whose clock stepped back across a restart (smaller boot epoch) be heard again
            mark = null;
        }
        if (mark != null && (advert.bootEpoch() < mark.bootEpoch()
                || (advert.bootEpoch() == mark.bootEpoch() && advert.sequence() <= mark.sequence()))) {
            return Optional.of(new Verdict.Dropped(DropReason.REPLAYED, "epoch/sequence " + advert.bootEpoch() + "/"
                    + advert.sequence() + " not after " + mark.bootEpoch() + "/" + mark.sequence()
                    + " from " + advert.sender()));
        }
        last.put(advert.sender(), new Mark(advert.bootEpoch(), advert.sequence(), now));
        return Optional.empty();
    }
}
