package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackendHealthTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final TestClock clock = new TestClock(T0);

    @Test
    void unknown_firstPass_goesUpAtOnce() {
        BackendHealth h = new BackendHealth(3, 3, clock);
        assertThat(h.state()).isEqualTo(BackendState.UNKNOWN);
        clock.advance(Duration.ofMillis(10));

        BackendHealth.Transition t = h.recordPass().orElseThrow();

        assertThat(t.from()).isEqualTo(BackendState.UNKNOWN);
        assertThat(t.to()).isEqualTo(BackendState.UP);
        assertThat(h.state()).isEqualTo(BackendState.UP);
        assertThat(h.since()).isEqualTo(T0.plusMillis(10));
    }

    @Test
    void unknown_firstFailure_goesDownAtOnce() {
        BackendHealth h = new BackendHealth(2, 2, clock);

        BackendHealth.Transition t = h.recordFailure("Connection refused").orElseThrow();

        assertThat(t.to()).isEqualTo(BackendState.DOWN);
        assertThat(h.lastFailure()).contains("Connection refused");
    }

    @Test
    void up_fallConsecutiveFailures_goesDownOnlyAtTheFallth() {
        BackendHealth h = new BackendHealth(2, 3, clock);
        h.recordPass();
        clock.advance(Duration.ofMillis(500));
        assertThat(h.recordFailure("timeout")).isEmpty();
        clock.advance(Duration.ofMillis(500));
        assertThat(h.recordFailure("timeout")).isEmpty();
        assertThat(h.state()).isEqualTo(BackendState.UP);
        clock.advance(Duration.ofMillis(500));

        BackendHealth.Transition t = h.recordFailure("timeout").orElseThrow();

        assertThat(t.from()).isEqualTo(BackendState.UP);
        assertThat(t.to()).isEqualTo(BackendState.DOWN);
        assertThat(t.reason()).contains("3 checks failed").contains("timeout");
        assertThat(t.at()).isEqualTo(T0.plusMillis(1500));
        assertThat(h.since()).isEqualTo(T0.plusMillis(1500));
    }

    @Test
    void up_passBetweenFailures_resetsTheFailureRun() {
        BackendHealth h = new BackendHealth(2, 2, clock);
        h.recordPass();
        h.recordFailure("x");
        h.recordPass();
        assertThat(h.recordFailure("x")).isEmpty();
        assertThat(h.state()).isEqualTo(BackendState.UP);
        assertThat(h.recordFailure("x")).isPresent();
        assertThat(h.state()).isEqualTo(BackendState.DOWN);
    }

    @Test
    void down_riseConsecutivePasses_comesBackUp() {
        BackendHealth h = new BackendHealth(3, 1, clock);
        h.recordFailure("refused");
        clock.advance(Duration.ofSeconds(1));
        assertThat(h.recordPass()).isEmpty();
        assertThat(h.recordPass()).isEmpty();
        assertThat(h.state()).isEqualTo(BackendState.DOWN);
        clock.advance(Duration.ofSeconds(1));

        BackendHealth.Transition t = h.recordPass().orElseThrow();

        assertThat(t.to()).isEqualTo(BackendState.UP);
        assertThat(h.since()).isEqualTo(T0.plusSeconds(2));
        assertThat(h.lastCheck()).contains(T0.plusSeconds(2));
    }

    @Test
    void down_failureBetweenPasses_resetsThePassRun() {
        BackendHealth h = new BackendHealth(2, 1, clock);
        h.recordFailure("refused");
        h.recordPass();
        h.recordFailure("refused");
        assertThat(h.recordPass()).isEmpty();
        assertThat(h.state()).isEqualTo(BackendState.DOWN);
        assertThat(h.recordPass()).isPresent();
        assertThat(h.state()).isEqualTo(BackendState.UP);
    }

    @Test
    void noTransition_leavesSinceUnchanged() {
        BackendHealth h = new BackendHealth(2, 2, clock);
        h.recordPass();
        clock.advance(Duration.ofMinutes(5));
        h.recordPass();
        assertThat(h.since()).isEqualTo(T0);
        assertThat(h.lastCheck()).contains(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void riseOrFallBelowOne_rejected() {
        assertThatThrownBy(() -> new BackendHealth(0, 2, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackendHealth(2, 0, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
