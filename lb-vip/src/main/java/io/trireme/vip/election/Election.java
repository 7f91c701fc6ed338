package io.trireme.vip.election;

import io.trireme.vip.election.ElectionAction.GiveUp;
import io.trireme.vip.election.ElectionAction.OwnerChanged;
import io.trireme.vip.election.ElectionAction.SendAdvert;
import io.trireme.vip.election.ElectionAction.TakeOver;
import io.trireme.vip.election.ElectionState.Role;
import java.util.ArrayList;
import java.util.List;
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
        if (role == Role.MASTER && !(event instanceof ElectionEvent.Shutdown) && stalled(now)) {
            // this router did not run for longer than the others wait for a master (SIGSTOP, docker pause, a
            // frozen VM): they have elected another one by now. Give the address up before anything else (before
            // acting on adverts queued meanwhile) and listen a full master-down interval before claiming again.
            role = Role.BACKUP;
            advertDueAt = NEVER;
            masterAdvertIntervalNanos = ownAdvertIntervalNanos;
            masterDownAt = now + masterDownNanos();
            out.add(new GiveUp("stalled for " + (now - advertDueAtBeforeStall) / 1_000_000 + " ms"));
            setOwner(null, out);
        }
        if (event instanceof ElectionEvent.Start start) {
            start(now, start.healthy());
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
            case BACKUP -> masterDownAt;
            case MASTER -> advertDueAt;
        };
    }

    public PeerId self() {
        return self;
    }

    public ElectionSettings settings() {
        return settings;
    }

    private void start(long now, boolean healthyNow) {
        if (role != Role.INIT) {
            return;
        }
        healthy = healthyNow;
        eligibleAt = healthyNow ? now : NEVER;
        lowerMasterSince = NEVER;
        masterAdvertIntervalNanos = ownAdvertIntervalNanos;
        role = Role.BACKUP;
        masterDownAt = now + masterDownNanos();
    }

    private void advertReceived(long now, ElectionEvent.AdvertReceived advert, List<ElectionAction> out) {
        if (advert.sender().equals(self)) {
            return;
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
        setOwner(advert.sender(), out);
        if (!settings.preempt() || !lower || !eligible(now) || !preemptDelayOver(now)) {
            masterAdvertIntervalNanos = advert.advertIntervalNanos();
            masterDownAt = now + masterDownNanos();
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
            role = Role.BACKUP;
            advertDueAt = NEVER;
            masterAdvertIntervalNanos = advert.advertIntervalNanos();
            masterDownAt = now + masterDownNanos();
            out.add(new GiveUp("heard " + advert.sender() + " with priority " + advert.priority()));
            setOwner(advert.sender(), out);
        }
        // else: a lower-priority master will hear our next advert and step down.
    }

    private void timerFired(long now, List<ElectionAction> out) {
        switch (role) {
            case INIT -> { }
            case BACKUP -> {
                if (now < masterDownAt) {
                    return;
                }
                if (eligible(now)) {
                    becomeMaster(now, out);
                } else {
                    setOwner(null, out);
                    // once eligible, listen a whole master-down interval (priority skew included) before claiming:
                    // routers that turn eligible at about the same time must not all claim at once
                    masterDownAt = healthy && eligibleAt != NEVER ? eligibleAt + masterDownNanos() : NEVER;
                }
            }
            case MASTER -> {
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
                case INIT, BACKUP -> { }
                case MASTER -> {
                    role = Role.BACKUP;
                    advertDueAt = NEVER;
                    masterAdvertIntervalNanos = ownAdvertIntervalNanos;
                    masterDownAt = NEVER;
                    out.add(new GiveUp("health lost"));
                    out.add(new SendAdvert(ElectionSettings.LEAVING));
                    setOwner(null, out);
                }
            }
            return;
        }
        eligibleAt = now + settings.hysteresis().toNanos();
        switch (role) {
            case INIT, MASTER -> { }
            case BACKUP -> masterDownAt = eligibleAt + masterDownNanos();
        }
    }

    private void shutdown(List<ElectionAction> out) {
        switch (role) {
            case INIT -> { }
            case BACKUP -> role = Role.INIT;
            case MASTER -> {
                role = Role.INIT;
                out.add(new GiveUp("shutdown"));
                out.add(new SendAdvert(ElectionSettings.LEAVING));
            }
        }
        masterDownAt = NEVER;
        advertDueAt = NEVER;
        setOwner(null, out);
    }

    private void becomeMaster(long now, List<ElectionAction> out) {
        role = Role.MASTER;
        masterDownAt = NEVER;
        lowerMasterSince = NEVER;
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

    private void setOwner(PeerId newOwner, List<ElectionAction> out) {
        if (!Objects.equals(owner, newOwner)) {
            owner = newOwner;
            out.add(new OwnerChanged(Optional.ofNullable(newOwner)));
        }
    }
}
