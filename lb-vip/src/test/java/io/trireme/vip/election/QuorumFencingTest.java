package io.trireme.vip.election;

import static io.trireme.vip.election.ElectionTest.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.vip.election.ElectionAction.GiveUp;
import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionAction.SendStandby;
import io.trireme.vip.election.ElectionAction.TakeOver;
import io.trireme.vip.election.ElectionEvent.AdvertReceived;
import io.trireme.vip.election.ElectionEvent.Shutdown;
import io.trireme.vip.election.ElectionEvent.Start;
import io.trireme.vip.election.ElectionEvent.TimerFired;
import io.trireme.vip.election.ElectionState.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quorum-fenced rules of a three-router group, one router at a time, on an injected clock. */
class QuorumFencingTest {

    private static final Duration ADVERT = Duration.ofMillis(100);
    private static final long INTERVAL = ADVERT.toNanos();
    private static final long MS = 1_000_000L;

    private final FakeTicker ticker = new FakeTicker();

    private Election router(int octet, int priority) {
        return new Election(peer(octet), new ElectionSettings(priority, ADVERT, false, Duration.ZERO, Duration.ZERO, 3),
                ticker);
    }

    private static AdvertReceived standby(int octet, int priority, boolean candidate, boolean hearsMaster) {
        return new AdvertReceived(peer(octet), priority, INTERVAL, true, candidate, hearsMaster);
    }

    private static AdvertReceived master(int octet, int priority) {
        return new AdvertReceived(peer(octet), priority, INTERVAL);
    }

    /** Advances in 10 ms steps to {@code until}, firing timers and delivering {@code each} every advert interval. */
    private List<ElectionAction> run(Election e, long until, List<AdvertReceived> each) {
        List<ElectionAction> out = new ArrayList<>();
        long nextDelivery = ticker.nanos();
        while (ticker.nanos() < until) {
            ticker.advance(Duration.ofMillis(10));
            if (ticker.nanos() >= nextDelivery) {
                each.forEach(a -> out.addAll(e.handle(a)));
                nextDelivery = ticker.nanos() + INTERVAL;
            }
            out.addAll(e.handle(new TimerFired()));
        }
        return out;
    }

    @Test
    void backups_sendStandbyAdverts_everyInterval_sayingWhetherTheyWouldClaimAndHearAMaster() {
        Election e = router(2, 150);
        List<ElectionAction> start = e.handle(new Start(true));
        assertThat(start).containsExactly(new SendStandby(150, false, false)); // hears nobody yet

        List<ElectionAction> out = run(e, ticker.nanos() + 1000 * MS, List.of(master(1, 250), standby(3, 50, true,
                true)));

        List<SendStandby> standbys = out.stream().filter(SendStandby.class::isInstance).map(SendStandby.class::cast)
                .toList();
        assertThat(standbys).hasSizeBetween(9, 11);
        assertThat(standbys.get(standbys.size() - 1)).isEqualTo(new SendStandby(150, true, true));
        assertThat(out).doesNotContain(new TakeOver());
    }

    @Test
    void backup_afterTheMasterLeaves_waitsForAHigherRankedCandidate_insteadOfRacingIt() {
        Election low = router(3, 50);
        low.handle(new Start(true));
        run(low, ticker.nanos() + 2000 * MS, List.of(master(1, 250), standby(2, 150, true, true)));
        assertThat(low.state().role()).isEqualTo(Role.BACKUP);

        low.handle(new AdvertReceived(peer(1), ElectionSettings.LEAVING, INTERVAL)); // planned handover
        // the 150 router is alive and would claim: the 50 router does not, however long the 150 one takes
        List<ElectionAction> out = run(low, ticker.nanos() + 500 * MS, List.of(standby(2, 150, true, false)));

        assertThat(out).doesNotContain(new TakeOver());
        // the 150 router claims: the 50 router follows it
        low.handle(master(2, 150));
        assertThat(low.owner()).contains(peer(2));
    }

    @Test
    void backup_claimsOnce_theHigherRankedCandidateFallsSilent() {
        Election low = router(3, 50);
        low.handle(new Start(true));
        run(low, ticker.nanos() + 2000 * MS, List.of(master(1, 250), standby(2, 150, true, true)));
        long masterLast = ticker.nanos();

        // master and the 150 router die together; the 50 router cannot claim alone (1 of 3)
        List<ElectionAction> alone = run(low, ticker.nanos() + 2000 * MS, List.of());
        assertThat(alone).doesNotContain(new TakeOver());
        // the 150 router comes back unable to claim (say, unhealthy): now the 50 router hears a majority, and after
        // hearing it for a whole claim delay, claims
        long back = ticker.nanos();
        List<ElectionAction> out = run(low, back + 1000 * MS, List.of(standby(2, 150, false, false)));
        assertThat(out).contains(new TakeOver());
        assertThat(back - masterLast).isPositive();
    }

    @Test
    void backup_cutOff_neverClaims() {
        Election e = router(2, 150);
        e.handle(new Start(true));
        run(e, ticker.nanos() + 2000 * MS, List.of(master(1, 250), standby(3, 50, true, true)));

        List<ElectionAction> out = run(e, ticker.nanos() + 5000 * MS, List.of());

        assertThat(out).doesNotContain(new TakeOver());
        assertThat(e.state().role()).isEqualTo(Role.BACKUP);
    }

    @Test
    void master_releases_whenNoMajorityConfirmsHearingIt_beforeAnyBackupMayClaim() {
        Election e = router(1, 250);
        e.handle(new Start(true));
        List<ElectionAction> start = run(e, ticker.nanos() + 1000 * MS, List.of(standby(2, 150, true, false),
                standby(3, 50, true, false)));
        assertThat(start).contains(new TakeOver());
        run(e, ticker.nanos() + 1000 * MS, List.of(standby(2, 150, true, true), standby(3, 50, true, true)));
        assertThat(e.state().role()).isEqualTo(Role.MASTER);
        e.handle(standby(3, 50, true, true));
        long lastConfirmation = ticker.nanos();

        // cut off: no more standby adverts
        List<ElectionAction> out = new ArrayList<>();
        while (e.state().role() == Role.MASTER && ticker.nanos() < lastConfirmation + 1000 * MS) {
            ticker.advance(Duration.ofMillis(1));
            out.addAll(e.handle(new TimerFired()));
        }

        long releasedAfter = ticker.nanos() - lastConfirmation;
        assertThat(out).anyMatch(GiveUp.class::isInstance).contains(new SendAdvert(ElectionSettings.LEAVING));
        assertThat(releasedAfter).isEqualTo(e.settings().contactWindowNanos());
        // a backup that heard our last advert no later than the last confirmation claims only this much later
        assertThat(e.settings().claimAfterSilenceNanos(INTERVAL) - INTERVAL)
                .isGreaterThan(releasedAfter + INTERVAL / 2);
    }

    @Test
    void master_keepsTheAddress_whileOneOfTwoBackupsConfirms() {
        Election e = router(1, 250);
        e.handle(new Start(true));
        run(e, ticker.nanos() + 1000 * MS, List.of(standby(2, 150, true, true), standby(3, 50, true, true)));
        assertThat(e.state().role()).isEqualTo(Role.MASTER);

        List<ElectionAction> out = run(e, ticker.nanos() + 3000 * MS, List.of(standby(3, 50, true, true)));

        assertThat(out).noneMatch(GiveUp.class::isInstance);
        assertThat(e.state().role()).isEqualTo(Role.MASTER);
    }

    @Test
    void master_whoseTimerFiresLate_looksAgainBeforeReleasing() {
        Election e = router(1, 250);
        e.handle(new Start(true));
        run(e, ticker.nanos() + 1000 * MS, List.of(standby(2, 150, true, true), standby(3, 50, true, true)));
        e.handle(standby(3, 50, true, true));
        long fence = ticker.nanos() + e.settings().contactWindowNanos();
        while (ticker.nanos() + INTERVAL < fence) { // adverts on time, no word from the others
            ticker.advance(ADVERT);
            assertThat(e.handle(new TimerFired())).noneMatch(GiveUp.class::isInstance);
        }

        ticker.advanceTo(fence + 3 * INTERVAL / 4); // the fence timer runs late: we were not running
        assertThat(e.handle(new TimerFired())).noneMatch(GiveUp.class::isInstance);
        // the standby adverts queued while we were not running arrive now
        e.handle(standby(2, 150, true, true));
        assertThat(e.handle(new TimerFired())).noneMatch(GiveUp.class::isInstance);
        assertThat(e.state().role()).isEqualTo(Role.MASTER);
    }

    @Test
    void backup_leaving_tellsThePeersNotToCountOnIt() {
        Election e = router(2, 150);
        e.handle(new Start(true));
        assertThat(e.handle(new Shutdown())).contains(new SendStandby(ElectionSettings.LEAVING, false, false));
    }
}
