package io.trireme.vip.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void run_returnsExitCodeAndMergedOutput() throws Exception {
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("out").contains("err");
    }

    @Test
    void run_missingProgram_isAnIOException() {
        assertThatThrownBy(() -> runner.run(List.of("no-such-program-trireme"), Duration.ofSeconds(30)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void run_tooSlow_isKilledAndReported() {
        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(200)))
                .isInstanceOf(IOException.class).hasMessageContaining("did not finish");
    }
}
