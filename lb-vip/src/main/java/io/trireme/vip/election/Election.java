package io.trireme.vip.election;

import io.trireme.vip.election.ElectionAction.GiveUp;
import io.trireme.vip.election.ElectionAction.OwnerChanged;
import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionAction.SendStandby;
import io.trireme.vip.election.ElectionAction.TakeOver;
import io.trireme.vip.election.ElectionState.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One router's VRRP state machine (RFC 5798 section 6.4) with a health gate.
 *
 * <p>RFC behaviour: a backup whose Master_Down_Timer expires becomes master; a backup accepts any advert
 * unless it preempts a lower priority; a priority-0 advert makes backups wait only Skew_Time; a master steps
 * down on a higher priority, or on an equal priority from a higher address, and answers a priority-0 advert
 * with an immediate advert; a master leaving sends priority 0.
 *
 * <p>Additions: the router may be master only while healthy. Losing health makes a master leave at once with a
 * priority-0 advert; regaining it makes the router eligible again only after {@code hysteresis}. A preempting
 * backup waits {@code preemptDelay} after it first sees a lower-priority master.
 *
 * <p>When a master leaves, {@link ElectionAction.GiveUp} comes before the priority-0 {@link
 * ElectionAction.SendAdvert}: the address must be gone before the others are told to take it.
 *
 * <p><b>Quorum fencing</b> (when {@link ElectionSettings#routers()} is known), against two owners where VRRP alone
 * has them: backups send standby adverts every advert interval saying whether they would claim and whether they
 * hear a master. Then:
 * <ul>
 *   <li>a router claims only while it heard a majority of the routers (itself included) within the contact
 *       window — a router cut off, or one that has not yet read the adverts queued while it was not running, does
 *       not claim;</li>
 *   <li>only the highest-ranked candidate claims: a backup that heard a higher-ranked candidate within the window
 *       waits for it (the survivors of a failed master no longer race each other);</li>
 *   <li>a master keeps the address only while a majority of routers (itself included) told it, within the window,
 *       that they hear a master; otherwise it gives up (and sends priority 0). Backups claim only
 *       {@link ElectionSettings#claimAfterSilenceNanos} after the master's last advert, which is later than a
 *       cut-off master's release.</li>
 * </ul>
 * A router that was itself not running (its timer fired late) re-checks before acting on silence it may not have
 * read yet.
 *
 * <p>Not thread-safe: one thread feeds all events. {@link #nextDeadline()} tells the caller when to deliver the
 * next {@link ElectionEvent.TimerFired}.
 */
public final class Election {

    /** "No deadline". */
    public static final long NEVER = Long.MAX_VALUE;

    private final PeerId self;
    private final ElectionSettings settings;
    private final Ticker ticker;
    private final long ownAdvertIntervalNanos;

    private Role role = Role.INIT;
    private long masterAdvertIntervalNanos;
    private long masterDownAt = NEVER;
    private long advertDueAt = NEVER;
    private boolean healthy;
    private long eligibleAt = NEVER;
    private long advertDueAtBeforeStall = NEVER;
    private long lowerMasterSince = NEVER;
    private PeerId owner;
    // quorum fencing
    private static final int MAX_PEERS = 255;
    private final Map<PeerId, Peer> peers = new HashMap<>();
    private long standbyDueAt = NEVER;
    private long masterHeardAt = NEVER;
    private long masterSince = NEVER;
    private long fenceRecheckAt = NEVER;
    private long contactSince = NEVER; // since when this router has heard a majority without a break

    /** What this router last heard from another one (quorum fencing). */
    private static final class Peer {
        long heardAt;
        int priority;
        boolean candidate;
        long confirmedAt = NEVER; // last standby saying it hears a master
        long masterAt = NEVER; // last advert of its own as master

        Peer(long heardAt) {
            this.heardAt = heardAt;
        }
    }

    public Election(PeerId self, ElectionSettings settings, Ticker ticker) {
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.ownAdvertIntervalNanos = settings.advertInterval().toNanos();
        this.masterAdvertIntervalNanos = ownAdvertIntervalNanos;
    }

    /** Feeds one event and returns what the caller must do, in order. */
    public List<ElectionAction> handle(ElectionEvent event) {
        long now = ticker.nanos();
        List<ElectionAction> out = new ArrayList<>(3);
        trackContact(now); // before the event: a lapse since the last event must be seen as a lapse
        if (role == Role.MASTER && !(event instanceof ElectionEvent.Shutdown) && stalled(now)) {
            // this router did not run for longer than the others wait for a master (SIGSTOP, docker pause, a
            // frozen VM): they have elected another one by now. Give the address up before anything else (before
            // acting on adverts queued meanwhile) and listen a full master-down interval before claiming again.
            toBackup(now);
            masterDownAt = now + claimDelayNanos();
            out.add(new GiveUp("stalled for " + (now - advertDueAtBeforeStall) / 1_000_000 + " ms"));
            setOwner(null, out);
        }
        if (event instanceof ElectionEvent.Start start) {
            start(now, start.healthy(), out);
        } else if (event instanceof ElectionEvent.AdvertReceived advert) {
            advertReceived(now, advert, out);
        } else if (event instanceof ElectionEvent.TimerFired) {
            timerFired(now, out);
        } else if (event instanceof ElectionEvent.HealthChanged change) {
            healthChanged(now, change.healthy(), out);
        } else if (event instanceof ElectionEvent.Shutdown) {
            shutdown(out);
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
        return out;
    }

    public ElectionState state() {
        return switch (role) {
            case INIT -> new ElectionState.Init();
            case BACKUP -> new ElectionState.Backup(Optional.ofNullable(owner), eligible(ticker.nanos()));
            case MASTER -> new ElectionState.Master();
        };
    }

    /** The master as far as this router knows. */
    public Optional<PeerId> owner() {
        return Optional.ofNullable(owner);
    }

    /** When the next {@link ElectionEvent.TimerFired} is due (ticker nanos), or {@link #NEVER}. */
    public long nextDeadline() {
        return switch (role) {
            case INIT -> NEVER;
            case BACKUP -> Math.min(masterDownAt, standbyDueAt);
            case MASTER -> Math.min(advertDueAt, fenceAt());
        };
    }

    public PeerId self() {
        return self;
    }

    public ElectionSettings settings() {
        return settings;
    }

    private void start(long now, boolean healthyNow, List<ElectionAction> out) {
        if (role != Role.INIT) {
            return;
        }
        healthy = healthyNow;
        eligibleAt = healthyNow ? now : NEVER;
        lowerMasterSince = NEVER;
        peers.clear();
        masterHeardAt = NEVER;
        contactSince = NEVER;
        toBackup(now);
        masterDownAt = now + claimDelayNanos();
        sendStandby(now, out);
    }

    private void advertReceived(long now, ElectionEvent.AdvertReceived advert, List<ElectionAction> out) {
        if (advert.sender().equals(self) || role == Role.INIT) {
            return;
        }
        if (settings.quorumFenced()) {
            hear(now, advert);
            trackContact(now);
            if (advert.standby()) {
                return; // says who is alive; never a claim
            }
        }
        switch (role) {
            case INIT -> { }
            case BACKUP -> backupHeard(now, advert, out);
            case MASTER -> masterHeard(now, advert, out);
        }
    }

    private void backupHeard(long now, ElectionEvent.AdvertReceived advert, List<ElectionAction> out) {
        if (advert.priority() == ElectionSettings.LEAVING) {
            // A late priority 0 from a router that is not our master must not cut a live master short.
            if (owner == null || advert.sender().equals(owner)) {
                setOwner(null, out);
                masterDownAt = now + settings.skewNanos(masterAdvertIntervalNanos);
            }
            return;
        }
        boolean lower = advert.priority() < settings.priority();
        if (!lower) {
            lowerMasterSince = NEVER;
        }
        boolean newMaster = !advert.sender().equals(owner);
        setOwner(advert.sender(), out);
        masterHeardAt = now;
        if (newMaster) {
            sendStandby(now, out); // confirm a new master at once: it is fenced without confirmations
        }
        if (!settings.preempt() || !lower || !eligible(now) || !preemptDelayOver(now)) {
            masterAdvertIntervalNanos = advert.advertIntervalNanos();
            masterDownAt = now + claimDelayNanos();
        }
        // else: preempting a lower-priority master — discard the advert so Master_Down_Timer runs out.
    }

    private void masterHeard(long now, ElectionEvent.AdvertReceived advert, List<ElectionAction> out) {
        if (advert.priority() == ElectionSettings.LEAVING) {
            out.add(new SendAdvert(settings.priority()));
            advertDueAt = now + ownAdvertIntervalNanos;
            return;
        }
        boolean higher = advert.priority() > settings.priority()
                || (advert.priority() == settings.priority() && advert.sender().compareTo(self) > 0);
        if (higher) {
            toBackup(now);
            masterAdvertIntervalNanos = advert.advertIntervalNanos();
            masterDownAt = now + claimDelayNanos();
            masterHeardAt = now;
            out.add(new GiveUp("heard " + advert.sender() + " with priority " + advert.priority()));
            setOwner(advert.sender(), out);
        }
        // else: a lower-priority master will hear our next advert and step down.
    }

    private void timerFired(long now, List<ElectionAction> out) {
        switch (role) {
            case INIT -> { }
            case BACKUP -> {
                if (now >= standbyDueAt) {
                    sendStandby(now, out);
                }
                if (now < masterDownAt) {
                    return;
                }
                String waitingFor = eligible(now) ? claimBlocker(now) : null;
                if (waitingFor != null) {
                    // do not claim yet; look again soon (a master advert, or the peer's silence, settles it)
                    setOwner(null, out);
                    masterDownAt = now + ownAdvertIntervalNanos / 2;
                } else if (eligible(now)) {
                    becomeMaster(now, out);
                } else {
                    setOwner(null, out);
                    // once eligible, listen a whole master-down interval (priority skew included) before claiming:
                    // routers that turn eligible at about the same time must not all claim at once
                    masterDownAt = healthy && eligibleAt != NEVER ? eligibleAt + claimDelayNanos() : NEVER;
                }
            }
            case MASTER -> {
                long fenceAt = fenceAt();
                if (now >= fenceAt) {
                    if (now - fenceAt > ownAdvertIntervalNanos / 2) {
                        // we were not running: the standby adverts that would keep us may be queued unread
                        fenceRecheckAt = now + ownAdvertIntervalNanos / 4;
                    } else {
                        toBackup(now);
                        masterDownAt = now + claimDelayNanos();
                        out.add(new GiveUp("no word from a majority of the " + settings.routers()
                                + " routers that they hear a master for " + settings.contactWindowNanos() / 1_000_000
                                + " ms"));
                        out.add(new SendAdvert(ElectionSettings.LEAVING));
                        setOwner(null, out);
                        sendStandby(now, out);
                        return;
                    }
                }
                if (now >= advertDueAt) {
                    out.add(new SendAdvert(settings.priority()));
                    advertDueAt = now + ownAdvertIntervalNanos;
                }
            }
        }
    }

    private void healthChanged(long now, boolean nowHealthy, List<ElectionAction> out) {
        if (nowHealthy == healthy) {
            return;
        }
        healthy = nowHealthy;
        lowerMasterSince = NEVER;
        if (!nowHealthy) {
            eligibleAt = NEVER;
            switch (role) {
                case INIT -> { }
                case BACKUP -> sendStandby(now, out);
                case MASTER -> {
                    toBackup(now);
                    masterDownAt = NEVER;
                    out.add(new GiveUp("health lost"));
                    out.add(new SendAdvert(ElectionSettings.LEAVING));
                    setOwner(null, out);
                    sendStandby(now, out);
                }
            }
            return;
        }
        eligibleAt = now + settings.hysteresis().toNanos();
        switch (role) {
            case INIT, MASTER -> { }
            case BACKUP -> masterDownAt = eligibleAt + claimDelayNanos();
        }
    }

    private void shutdown(List<ElectionAction> out) {
        switch (role) {
            case INIT -> { }
            case BACKUP -> {
                role = Role.INIT;
                if (settings.quorumFenced()) {
                    out.add(new SendStandby(ElectionSettings.LEAVING, false, false)); // no longer count on us
                }
            }
            case MASTER -> {
                role = Role.INIT;
                out.add(new GiveUp("shutdown"));
                out.add(new SendAdvert(ElectionSettings.LEAVING));
            }
        }
        masterDownAt = NEVER;
        advertDueAt = NEVER;
        standbyDueAt = NEVER;
        setOwner(null, out);
    }

    private void becomeMaster(long now, List<ElectionAction> out) {
        role = Role.MASTER;
        masterDownAt = NEVER;
        standbyDueAt = NEVER;
        lowerMasterSince = NEVER;
        masterSince = now;
        fenceRecheckAt = NEVER;
        advertDueAt = now + ownAdvertIntervalNanos;
        out.add(new SendAdvert(settings.priority()));
        out.add(new TakeOver());
        setOwner(self, out);
    }

    /** Whether a master's own advert is overdue by more than a master-down interval (it was not running). */
    private boolean stalled(long now) {
        if (advertDueAt == NEVER || now - advertDueAt <= masterDownNanos()) {
            return false;
        }
        advertDueAtBeforeStall = advertDueAt;
        return true;
    }

    private boolean eligible(long now) {
        return healthy && now >= eligibleAt;
    }

    private boolean preemptDelayOver(long now) {
        if (lowerMasterSince == NEVER) {
            lowerMasterSince = now;
        }
        return now - lowerMasterSince >= settings.preemptDelay().toNanos();
    }

    private long masterDownNanos() {
        return settings.masterDownNanos(masterAdvertIntervalNanos);
    }

    private long claimDelayNanos() {
        return settings.claimAfterSilenceNanos(masterAdvertIntervalNanos);
    }

    private void toBackup(long now) {
        role = Role.BACKUP;
        advertDueAt = NEVER;
        masterSince = NEVER;
        fenceRecheckAt = NEVER;
        masterAdvertIntervalNanos = ownAdvertIntervalNanos;
        standbyDueAt = settings.quorumFenced() ? now + ownAdvertIntervalNanos : NEVER;
    }

    private void hear(long now, ElectionEvent.AdvertReceived advert) {
        if (advert.priority() == ElectionSettings.LEAVING) {
            peers.remove(advert.sender());
            return;
        }
        Peer peer = peers.get(advert.sender());
        if (peer == null) {
            if (peers.size() >= MAX_PEERS) {
                return;
            }
            peer = new Peer(now);
            peers.put(advert.sender(), peer);
        }
        peer.heardAt = now;
        peer.priority = advert.priority();
        peer.candidate = advert.standby() && advert.candidate();
        if (advert.standby() && advert.hearsMaster()) {
            peer.confirmedAt = now;
        }
        if (!advert.standby()) {
            peer.masterAt = now;
        }
    }

    private void sendStandby(long now, List<ElectionAction> out) {
        if (!settings.quorumFenced() || role != Role.BACKUP) {
            return;
        }
        standbyDueAt = now + ownAdvertIntervalNanos;
        boolean hearsMaster = masterHeardAt != NEVER && now - masterHeardAt <= settings.hearsMasterWindowNanos();
        out.add(new SendStandby(settings.priority(), eligible(now) && inContact(now) >= settings.majority(),
                hearsMaster));
    }

    private void trackContact(long now) {
        if (!settings.quorumFenced()) {
            return;
        }
        if (inContact(now) < settings.majority()) {
            contactSince = NEVER;
        } else if (contactSince == NEVER) {
            contactSince = now;
        }
    }

    /** Routers heard within the contact window, this one included. */
    private int inContact(long now) {
        int count = 1;
        for (Peer peer : peers.values()) {
            if (now - peer.heardAt <= settings.contactWindowNanos()) {
                count++;
            }
        }
        return count;
    }

    /** Why this eligible backup must not claim now, or null when it may. */
    private String claimBlocker(long now) {
        if (!settings.quorumFenced()) {
            return null;
        }
        int heard = inContact(now);
        if (heard < settings.majority()) {
            return "hears " + heard + " of " + settings.routers() + " routers";
        }
        if (now - contactSince < claimDelayNanos()) {
            // contact just came back (we were cut off, deaf, or not running): hear the master out first
            return "hears a majority only for " + (now - contactSince) / 1_000_000 + " ms";
        }
        for (Map.Entry<PeerId, Peer> e : peers.entrySet()) {
            Peer peer = e.getValue();
            boolean preempting = settings.preempt() && peer.priority < settings.priority();
            if (!preempting && peer.masterAt != NEVER && now - peer.masterAt <= settings.contactWindowNanos()) {
                // e.g. the old master's priority 0 arrived after the new master's first advert
                return "heard master " + e.getKey() + " " + (now - peer.masterAt) / 1_000_000 + " ms ago";
            }
            boolean ranksAbove = peer.priority > settings.priority()
                    || (peer.priority == settings.priority() && e.getKey().compareTo(self) > 0);
            if (peer.candidate && ranksAbove && now - peer.heardAt <= settings.contactWindowNanos()) {
                return "higher-ranked candidate " + e.getKey();
            }
        }
        return null;
    }

    /**
     * When this master loses its mandate: the contact window after the latest moment by which a majority of routers
     * (itself included) had confirmed hearing a master, counting from when it became master.
     */
    private long fenceAt() {
        if (!settings.quorumFenced() || role != Role.MASTER) {
            return NEVER;
        }
        int needed = settings.majority() - 1;
        if (needed <= 0) {
            return NEVER;
        }
        long[] confirmed = new long[peers.size()];
        int i = 0;
        for (Peer peer : peers.values()) {
            confirmed[i++] = peer.confirmedAt == NEVER ? Long.MIN_VALUE : peer.confirmedAt;
        }
        Arrays.sort(confirmed);
        long nth = needed <= confirmed.length ? confirmed[confirmed.length - needed] : Long.MIN_VALUE;
        long at = Math.max(nth, masterSince) + settings.contactWindowNanos();
        return fenceRecheckAt == NEVER ? at : Math.max(at, fenceRecheckAt);
    }

    private void setOwner(PeerId newOwner, List<ElectionAction> out) {
        if (!Objects.equals(owner, newOwner)) {
            owner = newOwner;
            out.add(new OwnerChanged(Optional.ofNullable(newOwner)));
        }
    }
}
