package io.trireme.vip.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthGateTest {

    @Test
    void status_healthyOnlyWhenEveryCheckIs_andNamesTheFailingOnes() {
        AtomicBoolean backends = new AtomicBoolean(true);
        HealthSignal quorum = new HealthSignal("store-quorum", true);
        HealthGate gate = HealthGate.of(HealthCheck.of("lb-backend", backends::get), quorum);
        assertThat(gate.status().healthy()).isTrue();

        backends.set(false);
        quorum.set(false);
        assertThat(gate.status().failing()).containsExactly("lb-backend", "store-quorum");

        backends.set(true);
        assertThat(gate.status().failing()).containsExactly("store-quorum");
        quorum.set(true);
        assertThat(gate.status().healthy()).isTrue();
    }

    @Test
    void checkThatThrows_countsAsFailing() {
        HealthGate gate = HealthGate.of(HealthCheck.of("apiserver", () -> {
            throw new IllegalStateException("not wired yet");
        }));
        assertThat(gate.status().failing()).containsExactly("apiserver");
    }

    @Test
    void checksAddedLater_takePart_andNamesAreUnique() {
        HealthGate gate = new HealthGate();
        assertThat(gate.status().healthy()).isTrue();
        gate.add(new HealthSignal("apiserver", false));
        assertThat(gate.status().healthy()).isFalse();
        assertThatThrownBy(() -> gate.add(new HealthSignal("apiserver", true))).hasMessageContaining("duplicate");
    }
}
