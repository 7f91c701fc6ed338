package io.trireme.vip.advert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns received datagrams into adverts the election may see: decode and authenticate, check the virtual
 * router id, reject replays. Every drop is counted in {@code trireme.vip.adverts.dropped{reason}}; the first drop
 * of each reason is logged at WARN, later ones only at DEBUG. Used by one receive thread.
 */
public final class AdvertVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(AdvertVerifier.class);

    private final String node;
    private final int vrid;
    private final AdvertCodec codec;
    private final ReplayGuard replayGuard;
    private final Counter accepted;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Set<DropReason> logged = EnumSet.noneOf(DropReason.class);

    public AdvertVerifier(String node, int vrid, AdvertCodec codec, ReplayGuard replayGuard, MeterRegistry registry) {
        this.node = node;
        this.vrid = vrid;
        this.codec = codec;
        this.replayGuard = replayGuard;
        this.accepted = Counter.builder("trireme.vip.adverts.received").tag("vrid", Integer.toString(vrid))
                .description("adverts accepted").register(registry);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("trireme.vip.adverts.dropped").tag("vrid", Integer.toString(vrid))
                    .tag("reason", reason.tag()).description("adverts dropped").register(registry));
        }
    }

    public Verdict verify(byte[] data, int length, InetSocketAddress source) {
        Verdict verdict = codec.decode(data, length);
        if (verdict instanceof Verdict.Accepted ok) {
            Optional<Verdict.Dropped> rejection = ok.advert().vrid() != vrid
                    ? Optional.of(new Verdict.Dropped(DropReason.WRONG_VRID, "vrid " + ok.advert().vrid()
                            + " from " + ok.advert().sender() + ", ours is " + vrid))
                    : replayGuard.admit(ok.advert());
            if (rejection.isPresent()) {
                verdict = rejection.get();
            }
        }
        if (verdict instanceof Verdict.Dropped drop) {
            dropped.get(drop.reason()).increment();
            if (logged.add(drop.reason())) {
                LOG.warn("vip[{}] dropping {} advert from {}: {} (further ones are only counted in "
                        + "trireme.vip.adverts.dropped)", node, drop.reason().tag(), source, drop.detail());
            } else {
                LOG.debug("vip[{}] dropping {} advert from {}: {}", node, drop.reason().tag(), source, drop.detail());
            }
        } else {
            accepted.increment();
        }
        return verdict;
    }
}
