package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void parse_onlyEndpoints_givesDocumentedDefaults() {
    BenchOptions o = BenchOptions.parse("--endpoints", "127.0.0.1:2379, 127.0.0.2:2379,127.0.0.3:2379");

    assertThat(o.endpoints()).containsExactly("127.0.0.1:2379", "127.0.0.2:2379", "127.0.0.3:2379");
    assertThat(o.orderedPhases()).containsExactly(BenchOptions.Phase.SEQ_PUT, BenchOptions.Phase.PUT,
        BenchOptions.Phase.RANGE_LIN, BenchOptions.Phase.RANGE_SER, BenchOptions.Phase.WATCH);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.valueSize()).isEqualTo(256);
    assertThat(o.putClients()).containsExactly(16, 64, 256);
    assertThat(o.linClients()).containsExactly(16, 64);
    assertThat(o.serClients()).containsExactly(64);
    assertThat(o.out()).isNull();
    assertThat(o.phaseSuffix()).isEmpty();
  }

  @Test
  void parse_everyOption_isApplied() {
    BenchOptions o = BenchOptions.parse("--endpoints", "a:1,b:2,c:3", "--phases", "failover,put",
        "--duration", "2.5", "--warmup", "0", "--max-ops", "1_000", "--value-size", "64",
        "--keys-per-client", "10", "--put-clients", "1,2", "--lin-clients", "3", "--ser-clients", "4",
        "--range-keys", "50", "--watch-rate", "20", "--trials", "7", "--kill-cmd", "kill {name}",
        "--restart-cmd", "start {name}", "--phase-suffix", "@after", "--system", "etcd", "--run", "2", "--out", "/tmp/x.jsonl",
        "--cmd-log", "/tmp/cmd.log");

    assertThat(o.orderedPhases()).containsExactly(BenchOptions.Phase.PUT, BenchOptions.Phase.FAILOVER);
    assertThat(o.duration()).isEqualTo(Duration.ofMillis(2500));
    assertThat(o.warmup()).isZero();
    assertThat(o.maxOps()).isEqualTo(1000);
    assertThat(o.valueSize()).isEqualTo(64);
    assertThat(o.keysPerClient()).isEqualTo(10);
    assertThat(o.putClients()).containsExactly(1, 2);
    assertThat(o.linClients()).containsExactly(3);
    assertThat(o.serClients()).containsExactly(4);
    assertThat(o.rangeKeys()).isEqualTo(50);
    assertThat(o.watchRate()).isEqualTo(20);
    assertThat(o.trials()).isEqualTo(7);
    assertThat(o.killCmd()).isEqualTo("kill {name}");
    assertThat(o.restartCmd()).isEqualTo("start {name}");
    assertThat(o.phaseSuffix()).isEqualTo("@after");
    assertThat(o.system()).isEqualTo("etcd");
    assertThat(o.run()).isEqualTo(2);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/x.jsonl"));
    assertThat(o.cmdLog()).isEqualTo(Path.of("/tmp/cmd.log"));
  }

  @Test
  void parse_badInput_failsWithAReadableMessage() {
    assertThatThrownBy(() -> BenchOptions.parse("--duration", "5"))
        .hasMessageContaining("--endpoints is required");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "localhost"))
        .hasMessageContaining("not host:port");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1", "--phases", "put,bogus"))
        .hasMessageContaining("unknown phase 'bogus'");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1", "--duration", "soon"))
        .hasMessageContaining("--duration expects seconds");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1", "--put-clients", "16,0"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1", "--frobnicate", "1"))
        .hasMessageContaining("unknown option --frobnicate");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints"))
        .hasMessageContaining("missing value for --endpoints");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1", "--value-size", "8"))
        .hasMessageContaining("at least 16");
  }

  @Test
  void parse_failoverWithoutCommandsOrWithTooFewEndpoints_isRejected() {
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1,b:2,c:3", "--phases", "failover"))
        .hasMessageContaining("--kill-cmd and --restart-cmd");
    assertThatThrownBy(() -> BenchOptions.parse("--endpoints", "a:1,b:2", "--phases", "failover",
        "--kill-cmd", "k", "--restart-cmd", "r"))
        .hasMessageContaining("at least 3 endpoints");
  }

  @Test
  void orderedPhases_followCanonicalOrder_notTheCommandLine() {
    BenchOptions o = BenchOptions.parse("--endpoints", "a:1", "--phases", "watch,seq-put,range-ser");

    assertThat(o.orderedPhases()).isEqualTo(List.of(BenchOptions.Phase.SEQ_PUT, BenchOptions.Phase.RANGE_SER,
        BenchOptions.Phase.WATCH));
  }
}
