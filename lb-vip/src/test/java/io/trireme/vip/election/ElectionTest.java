package io.trireme.vip.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.vip.election.ElectionAction.GiveUp;
import io.trireme.vip.election.ElectionAction.OwnerChanged;
import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionAction.TakeOver;
import io.trireme.vip.election.ElectionEvent.AdvertReceived;
import io.trireme.vip.election.ElectionEvent.HealthChanged;
import io.trireme.vip.election.ElectionEvent.Shutdown;
import io.trireme.vip.election.ElectionEvent.Start;
import io.trireme.vip.election.ElectionEvent.TimerFired;
import io.trireme.vip.election.ElectionState.Role;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElectionTest {

    private static final Duration ADVERT = Duration.ofMillis(100);
    private static final long ADVERT_NANOS = ADVERT.toNanos();

    private final FakeTicker ticker = new FakeTicker();

    static PeerId peer(int lastOctet) {
        try {
            return new PeerId(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}), 5000, "n" + lastOctet);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private Election election(int octet, int priority, boolean preempt, Duration preemptDelay, Duration hysteresis) {
        return new Election(peer(octet), new ElectionSettings(priority, ADVERT, preempt, preemptDelay, hysteresis), ticker);
    }

    private Election election(int octet, int priority) {
        return election(octet, priority, true, Duration.ZERO, Duration.ofSeconds(1));
    }

    private List<ElectionAction> fireAt(Election e, long deadline) {
        ticker.advanceTo(deadline);
        return e.handle(new TimerFired());
    }

    @Test
    void masterDownInterval_followsRfc5798() {
        ElectionSettings s = new ElectionSettings(100, ADVERT, true, Duration.ZERO, Duration.ZERO);
        // 3 × 100 ms + (256 − 100) × 100 ms / 256 = 300 ms + 60.9375 ms
        assertThat(s.masterDownNanos(ADVERT_NANOS)).isEqualTo(300_000_000L + 60_937_500L);
        assertThat(s.skewNanos(ADVERT_NANOS)).isEqualTo(60_937_500L);
    }

    @Test
    void backup_masterDownTimerExpires_becomesMasterAndAdvertises() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
        long deadline = e.nextDeadline();
        ticker.advanceTo(deadline - 1);
        assertThat(e.handle(new TimerFired())).isEmpty();

        List<ElectionAction> actions = fireAt(e, deadline);

        assertThat(actions).containsExactly(new SendAdvert(100), new TakeOver(),
                new OwnerChanged(Optional.of(peer(1))));
        assertThat(e.state()).isEqualTo(new ElectionState.Master());
        assertThat(fireAt(e, e.nextDeadline())).containsExactly(new SendAdvert(100));
    }

    @Test
    void backup_hearsMasterAdverts_staysBackup() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        for (int i = 0; i < 20; i++) {
            ticker.advance(ADVERT);
            e.handle(new AdvertReceived(peer(2), 150, ADVERT_NANOS));
            assertThat(e.handle(new TimerFired())).isEmpty();
        }
        assertThat(e.state()).isEqualTo(new ElectionState.Backup(Optional.of(peer(2)), true));
    }

    @Test
    void master_hearsHigherPriority_stepsDown() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());

        List<ElectionAction> actions = e.handle(new AdvertReceived(peer(2), 200, ADVERT_NANOS));

        assertThat(actions).hasSize(2).first().isInstanceOf(GiveUp.class);
        assertThat(actions.get(1)).isEqualTo(new OwnerChanged(Optional.of(peer(2))));
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void master_equalPriority_higherAddressWins() {
        Election low = election(1, 100);
        Election high = election(2, 100);
        low.handle(new Start(true));
        high.handle(new Start(true));
        fireAt(low, low.nextDeadline());
        fireAt(high, high.nextDeadline());
        assertThat(low.state().role()).isEqualTo(Role.MASTER);
        assertThat(high.state().role()).isEqualTo(Role.MASTER);

        assertThat(high.handle(new AdvertReceived(peer(1), 100, ADVERT_NANOS))).isEmpty();
        assertThat(low.handle(new AdvertReceived(peer(2), 100, ADVERT_NANOS))).first().isInstanceOf(GiveUp.class);

        assertThat(high.state().role()).isEqualTo(Role.MASTER);
        assertThat(low.state().role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void master_hearsLowerPriority_keepsMastership() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        assertThat(e.handle(new AdvertReceived(peer(9), 99, ADVERT_NANOS))).isEmpty();
        assertThat(e.state().role()).isEqualTo(Role.MASTER);
    }

    @Test
    void backup_masterDies_takesOverAfterMasterDownInterval() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        ticker.advance(ADVERT);
        e.handle(new AdvertReceived(peer(2), 200, ADVERT_NANOS));
        long lastAdvert = ticker.nanos();
        // master dies: nothing more arrives
        long expected = lastAdvert + e.settings().masterDownNanos(ADVERT_NANOS);
        assertThat(e.nextDeadline()).isEqualTo(expected);
        assertThat(Duration.ofNanos(expected - lastAdvert)).isLessThan(Duration.ofMillis(400));
        assertThat(fireAt(e, expected)).contains(new TakeOver());
    }

    @Test
    void backup_priorityZeroFromMaster_waitsOnlySkewTime() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        e.handle(new AdvertReceived(peer(2), 200, ADVERT_NANOS));
        long t = ticker.nanos();

        List<ElectionAction> actions = e.handle(new AdvertReceived(peer(2), 0, ADVERT_NANOS));

        assertThat(actions).containsExactly(new OwnerChanged(Optional.empty()));
        assertThat(e.nextDeadline()).isEqualTo(t + e.settings().skewNanos(ADVERT_NANOS));
        assertThat(fireAt(e, e.nextDeadline())).contains(new TakeOver());
    }

    @Test
    void backup_latePriorityZeroFromNonMaster_isIgnored() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        e.handle(new AdvertReceived(peer(2), 200, ADVERT_NANOS));
        long deadline = e.nextDeadline();
        e.handle(new AdvertReceived(peer(3), 0, ADVERT_NANOS));
        assertThat(e.nextDeadline()).isEqualTo(deadline);
        assertThat(e.owner()).contains(peer(2));
    }

    @Test
    void master_hearsPriorityZero_advertisesAtOnce() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        assertThat(e.handle(new AdvertReceived(peer(2), 0, ADVERT_NANOS))).containsExactly(new SendAdvert(100));
    }

    @Test
    void preempt_higherPriorityBackupTakesOverFromLowerMaster() {
        Election e = election(1, 200, true, Duration.ZERO, Duration.ZERO);
        e.handle(new Start(true));
        long start = ticker.nanos();
        // lower master keeps advertising; preempting backup discards its adverts
        List<ElectionAction> all = new java.util.ArrayList<>();
        for (int i = 0; i < 10 && e.state().role() == Role.BACKUP; i++) {
            ticker.advance(ADVERT);
            all.addAll(e.handle(new AdvertReceived(peer(2), 100, ADVERT_NANOS)));
            all.addAll(e.handle(new TimerFired()));
        }
        assertThat(all).contains(new TakeOver());
        assertThat(ticker.nanos() - start).isLessThanOrEqualTo(e.settings().masterDownNanos(ADVERT_NANOS) + ADVERT_NANOS);
    }

    @Test
    void nopreempt_higherPriorityBackupLeavesLowerMasterAlone() {
        Election e = election(1, 200, false, Duration.ZERO, Duration.ZERO);
        e.handle(new Start(true));
        for (int i = 0; i < 50; i++) {
            ticker.advance(ADVERT);
            e.handle(new AdvertReceived(peer(2), 100, ADVERT_NANOS));
            assertThat(e.handle(new TimerFired())).doesNotContain(new TakeOver());
        }
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
        assertThat(e.owner()).contains(peer(2));
    }

    @Test
    void preemptDelay_waitsBeforePreempting() {
        Duration delay = Duration.ofSeconds(2);
        Election e = election(1, 200, true, delay, Duration.ZERO);
        e.handle(new Start(true));
        long firstSeen = ticker.nanos();
        long takeOverAt = -1;
        for (int i = 0; i < 100 && takeOverAt < 0; i++) {
            ticker.advance(ADVERT);
            List<ElectionAction> a = new java.util.ArrayList<>(e.handle(new AdvertReceived(peer(2), 100, ADVERT_NANOS)));
            a.addAll(e.handle(new TimerFired()));
            if (a.contains(new TakeOver())) {
                takeOverAt = ticker.nanos();
            }
        }
        assertThat(takeOverAt).isGreaterThanOrEqualTo(firstSeen + delay.toNanos());
        assertThat(takeOverAt).isLessThanOrEqualTo(firstSeen + delay.toNanos()
                + e.settings().masterDownNanos(ADVERT_NANOS) + 2 * ADVERT_NANOS);
    }

    @Test
    void master_losesHealth_leavesAtOnceWithPriorityZero() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());

        List<ElectionAction> actions = e.handle(new HealthChanged(false));

        assertThat(actions).hasSize(3);
        assertThat(actions.get(0)).isInstanceOf(GiveUp.class);
        assertThat(actions.get(1)).isEqualTo(new SendAdvert(0));
        assertThat(actions.get(2)).isEqualTo(new OwnerChanged(Optional.empty()));
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void unhealthy_neverBecomesMaster() {
        Election e = election(1, 100);
        e.handle(new Start(false));
        for (int i = 0; i < 100; i++) {
            ticker.advance(ADVERT);
            assertThat(e.handle(new TimerFired())).doesNotContain(new TakeOver());
        }
        assertThat(e.state()).isEqualTo(new ElectionState.Backup(Optional.empty(), false));
        assertThat(e.nextDeadline()).isEqualTo(Election.NEVER);
    }

    @Test
    void hysteresis_healthBack_eligibleOnlyAfterHysteresis() {
        Duration hysteresis = Duration.ofSeconds(2);
        Election e = election(1, 100, true, Duration.ZERO, hysteresis);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        e.handle(new HealthChanged(false));
        ticker.advance(Duration.ofMillis(500));
        long back = ticker.nanos();

        e.handle(new HealthChanged(true));
        // flapping within the hysteresis restarts it
        ticker.advance(Duration.ofMillis(1500));
        e.handle(new HealthChanged(false));
        ticker.advance(Duration.ofMillis(10));
        e.handle(new HealthChanged(true));
        back = ticker.nanos();

        long takeOverAt = -1;
        while (takeOverAt < 0) {
            long next = e.nextDeadline();
            assertThat(next).isNotEqualTo(Election.NEVER);
            if (fireAt(e, next).contains(new TakeOver())) {
                takeOverAt = ticker.nanos();
            }
        }
        assertThat(takeOverAt - back).isGreaterThanOrEqualTo(hysteresis.toNanos());
    }

    @Test
    void hysteresisOver_stillListensAWholeMasterDownIntervalBeforeClaiming() {
        Duration hysteresis = Duration.ofSeconds(2);
        Election e = election(1, 100, true, Duration.ZERO, hysteresis);
        e.handle(new Start(false));
        ticker.advance(Duration.ofSeconds(5)); // no master heard all along
        long back = ticker.nanos();
        e.handle(new HealthChanged(true));

        long takeOverAt = -1;
        while (takeOverAt < 0) {
            if (fireAt(e, e.nextDeadline()).contains(new TakeOver())) {
                takeOverAt = ticker.nanos();
            }
        }
        long masterDown = new ElectionSettings(100, ADVERT, true, Duration.ZERO, hysteresis).masterDownNanos(ADVERT_NANOS);
        assertThat(takeOverAt - back).isEqualTo(hysteresis.toNanos() + masterDown);
    }

    @Test
    void master_thatDidNotRunForAMasterDownInterval_givesUpBeforeActingOnAnything() {
        Election e = election(1, 200);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        assertThat(e.state().role()).isEqualTo(Role.MASTER);

        ticker.advance(Duration.ofSeconds(5)); // SIGSTOP / docker pause
        List<ElectionAction> actions = e.handle(new AdvertReceived(peer(2), 100, ADVERT_NANOS));

        assertThat(actions).first().isInstanceOf(GiveUp.class);
        assertThat(actions).doesNotContain(new SendAdvert(200));
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void shutdown_masterSendsPriorityZeroAndGivesUp() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        List<ElectionAction> actions = e.handle(new Shutdown());
        assertThat(actions.get(0)).isInstanceOf(GiveUp.class);
        assertThat(actions.get(1)).isEqualTo(new SendAdvert(0));
        assertThat(e.state()).isEqualTo(new ElectionState.Init());
        assertThat(e.nextDeadline()).isEqualTo(Election.NEVER);
    }

    @Test
    void ownAdvertEchoedBack_isIgnored() {
        Election e = election(1, 100);
        e.handle(new Start(true));
        fireAt(e, e.nextDeadline());
        assertThat(e.handle(new AdvertReceived(peer(1), 100, ADVERT_NANOS))).isEmpty();
        assertThat(e.state().role()).isEqualTo(Role.MASTER);
    }
}
