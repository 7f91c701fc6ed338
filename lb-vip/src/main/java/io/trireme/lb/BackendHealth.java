package io.trireme.lb;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The rise/fall state machine of one backend (HAProxy's check semantics). Pure logic: check results go in,
 * state transitions come out; time comes from the injected clock only.
 *
 * <ul>
 *   <li>UNKNOWN: the first result decides — pass → UP, failure → DOWN (a fresh LB serves after one check).</li>
 *   <li>UP: {@code fall} consecutive failures → DOWN; any pass resets the failure run.</li>
 *   <li>DOWN: {@code rise} consecutive passes → UP; any failure resets the pass run.</li>
 * </ul>
 *
 * <p>Thread-safe: results are recorded under a lock, {@link #state()} is a volatile read for the hot path.
 */
public final class BackendHealth {

    /** A state change, returned by {@code record*} when one happened. */
    public record Transition(BackendState from, BackendState to, Instant at, String reason) {}

    private final int rise;
    private final int fall;
    private final Clock clock;

    private volatile BackendState state = BackendState.UNKNOWN;
    private int passRun;
    private int failRun;
    private Instant since;
    private Instant lastCheck;
    private String lastFailure;

    public BackendHealth(int rise, int fall, Clock clock) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1");
        }
        this.rise = rise;
        this.fall = fall;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.instant();
    }

    public BackendState state() {
        return state;
    }

    /** When the current state was entered (creation time while UNKNOWN). */
    public synchronized Instant since() {
        return since;
    }

    /** When the last result was recorded, empty before the first. */
    public synchronized Optional<Instant> lastCheck() {
        return Optional.ofNullable(lastCheck);
    }

    /** Why the most recent failed check failed, empty if none failed yet. */
    public synchronized Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Records a passed check; returns the transition if the state changed. */
    public synchronized Optional<Transition> recordPass() {
        lastCheck = clock.instant();
        failRun = 0;
        passRun++;
        return switch (state) {
            case UNKNOWN -> move(BackendState.UP, "first check passed");
            case DOWN -> passRun >= rise ? move(BackendState.UP, passRun + " checks passed") : Optional.empty();
            case UP -> Optional.empty();
        };
    }

    /** Records a failed check with its reason; returns the transition if the state changed. */
    public synchronized Optional<Transition> recordFailure(String reason) {
        lastCheck = clock.instant();
        lastFailure = reason;
        passRun = 0;
        failRun++;
        return switch (state) {
            case UNKNOWN -> move(BackendState.DOWN, reason);
            case UP -> failRun >= fall ? move(BackendState.DOWN, failRun + " checks failed, last: " + reason)
                    : Optional.empty();
            case DOWN -> Optional.empty();
        };
    }

    /**
     * Passive health (HAProxy's {@code observe layer4} with {@code on-error mark-down}): a proxied connection could
     * not be opened, so an UP backend goes DOWN at once instead of after {@code fall} checks; the checks bring it
     * back after {@code rise} passes. Returns the transition if the state changed.
     */
    public synchronized Optional<Transition> recordConnectFailure(String reason) {
        if (state != BackendState.UP) {
            return Optional.empty();
        }
        lastCheck = clock.instant(); // the failed connection counts as the latest evidence
        lastFailure = reason;
        return move(BackendState.DOWN, "proxied connection failed: " + reason);
    }

    private Optional<Transition> move(BackendState to, String reason) {
        BackendState from = state;
        state = to;
        since = lastCheck;
        passRun = 0;
        failRun = 0;
        return Optional.of(new Transition(from, to, since, reason));
    }
}
