package io.trireme.vip.advert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trireme.vip.election.PeerId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdvertCodecTest {

    private static final byte[] KEY = "a-shared-key-of-32-bytes-or-so!!".getBytes(StandardCharsets.UTF_8);
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 9999);

    private final AdvertCodec codec = new AdvertCodec(KEY);
    private long wallClock = 1_700_000_000_000L;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AdvertVerifier verifier = new AdvertVerifier("n1", 7, codec,
            new ReplayGuard(Duration.ofSeconds(30), () -> wallClock), registry);

    private static PeerId sender(String ip, int port) throws Exception {
        return new PeerId(InetAddress.getByName(ip), port, "node-" + port);
    }

    private Advert advert(int vrid, long epoch, long sequence) throws Exception {
        return new Advert(vrid, 120, 100, sender("127.0.0.12", 5012), epoch, sequence, wallClock);
    }

    private double dropped(DropReason reason) {
        return registry.get("trireme.vip.adverts.dropped").tag("reason", reason.tag()).counter().count();
    }

    @Test
    void encodeDecode_roundTripsIpv4AndIpv6() throws Exception {
        Advert v4 = advert(7, 5, 9);
        Advert v6 = new Advert(255, 0, 65_535, sender("::1", 65_535), Long.MAX_VALUE, 1, -1);
        for (Advert a : new Advert[] {v4, v6}) {
            byte[] bytes = codec.encode(a);
            assertThat(bytes.length).isLessThanOrEqualTo(AdvertCodec.MAX_SIZE);
            assertThat(codec.decode(bytes, bytes.length)).isEqualTo(new Verdict.Accepted(a));
        }
    }

    @Test
    void decode_wrongKey_isUnauthenticated() throws Exception {
        byte[] bytes = new AdvertCodec("another-key-with-enough-bytes!!!".getBytes(StandardCharsets.UTF_8))
                .encode(advert(7, 1, 1));
        Verdict v = verifier.verify(bytes, bytes.length, SOURCE);
        assertThat(v).isInstanceOf(Verdict.Dropped.class);
        assertThat(((Verdict.Dropped) v).reason()).isEqualTo(DropReason.UNAUTHENTICATED);
        assertThat(dropped(DropReason.UNAUTHENTICATED)).isEqualTo(1.0);
    }

    @Test
    void decode_anyFlippedBit_isRejected() throws Exception {
        byte[] good = codec.encode(advert(7, 1, 1));
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(codec.decode(bad, bad.length)).as("bit %d", bit).isInstanceOf(Verdict.Dropped.class);
        }
    }

    @Test
    void decode_truncatedOrGarbage_isMalformedAndNeverThrows() throws Exception {
        byte[] good = codec.encode(advert(7, 1, 1));
        for (int len = 0; len < good.length; len++) {
            Verdict v = codec.decode(Arrays.copyOf(good, len), len);
            assertThat(v).isInstanceOf(Verdict.Dropped.class);
        }
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            if (junk.length > 2) {
                junk[0] = 'T';
                junk[1] = 'V';
            }
            assertThat(verifier.verify(junk, junk.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
        }
        assertThat(dropped(DropReason.MALFORMED)).isGreaterThan(0);
    }

    @Test
    void verify_wrongVrid_isDroppedAndCounted() throws Exception {
        byte[] bytes = codec.encode(advert(8, 1, 1));
        assertThat(verifier.verify(bytes, bytes.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
        assertThat(dropped(DropReason.WRONG_VRID)).isEqualTo(1.0);
    }

    @Test
    void verify_replayedOrOlderSequence_isDropped() throws Exception {
        byte[] first = codec.encode(advert(7, 10, 1));
        byte[] second = codec.encode(advert(7, 10, 2));
        assertThat(verifier.verify(first, first.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        assertThat(verifier.verify(second, second.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        assertThat(verifier.verify(second, second.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
        assertThat(verifier.verify(first, first.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
        assertThat(dropped(DropReason.REPLAYED)).isEqualTo(2.0);
        assertThat(registry.get("trireme.vip.adverts.received").counter().count()).isEqualTo(2.0);
    }

    @Test
    void verify_senderRestartWithNewEpoch_isAcceptedButOldEpochIsNot() throws Exception {
        byte[] oldLife = codec.encode(advert(7, 10, 500));
        byte[] newLife = codec.encode(advert(7, 11, 1));
        byte[] oldLifeLater = codec.encode(advert(7, 10, 501));
        assertThat(verifier.verify(oldLife, oldLife.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        assertThat(verifier.verify(newLife, newLife.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        assertThat(verifier.verify(oldLifeLater, oldLifeLater.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
    }

    @Test
    void verify_timestampOutsideWindow_isStale() throws Exception {
        byte[] bytes = codec.encode(advert(7, 1, 1));
        wallClock += Duration.ofMinutes(5).toMillis(); // we restarted and someone replays an old capture
        assertThat(verifier.verify(bytes, bytes.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
        assertThat(dropped(DropReason.STALE)).isEqualTo(1.0);
    }

    @Test
    void codec_shortKey_isRejected() {
        assertThatThrownBy(() -> new AdvertCodec("short".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 bytes");
    }

    @Test
    void verify_senderSilentLongerThanWindow_isForgotten_soAClockStepBackAcrossARestartHeals() throws Exception {
        byte[] before = codec.encode(advert(7, 5_000, 10));
        assertThat(verifier.verify(before, before.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        wallClock += Duration.ofSeconds(31).toMillis();
        byte[] afterRestart = codec.encode(advert(7, 4_000, 1)); // smaller epoch: its clock stepped back
        assertThat(verifier.verify(afterRestart, afterRestart.length, SOURCE)).isInstanceOf(Verdict.Accepted.class);
        assertThat(verifier.verify(afterRestart, afterRestart.length, SOURCE)).isInstanceOf(Verdict.Dropped.class);
    }
}
