package io.trireme.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trireme.node.config.ConfigException;
import io.trireme.node.config.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterLayoutTest {
  @Test
  void defaultAddresses_startAt11() {
    assertThat(ClusterLayout.defaultAddresses(3)).containsExactly("127.0.0.11", "127.0.0.12", "127.0.0.13");
    assertThatThrownBy(() -> ClusterLayout.defaultAddresses(0)).hasMessageContaining("--nodes");
  }

  @Test
  void plan_namesNodesAndUsesDefaultPortsOnEachAddress(@TempDir Path dir) {
    ClusterLayout layout = ClusterLayout.plan(dir, ClusterLayout.defaultAddresses(3));

    assertThat(layout.nodes()).extracting(n -> n.name()).containsExactly("node1", "node2", "node3");
    assertThat(layout.nodes().get(1).self().clientAddress()).isEqualTo(new HostPort("127.0.0.12", 2379));
    assertThat(layout.nodes().get(1).self().raftAddress()).isEqualTo(new HostPort("127.0.0.12", 2380));
    assertThat(layout.nodes().get(2).dataDir()).isEqualTo(dir.toAbsolutePath().resolve("node3"));
    assertThat(layout.pidFile(layout.nodes().get(0))).isEqualTo(dir.toAbsolutePath().resolve("node1/pid"));
  }

  @Test
  void writeConfigs_thenLoad_givesTheSameCluster(@TempDir Path dir) throws Exception {
    ClusterLayout planned = ClusterLayout.plan(dir, ClusterLayout.defaultAddresses(3));
    assertThat(ClusterLayout.exists(dir)).isFalse();

    planned.writeConfigs();

    assertThat(ClusterLayout.exists(dir)).isTrue();
    assertThat(Files.readString(dir.resolve("node2/node.yaml"))).contains("name: node2").contains("127.0.0.12:2379");
    assertThat(ClusterLayout.load(dir)).isEqualTo(planned);
  }

  @Test
  void load_emptyDir_isAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> ClusterLayout.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("no */node.yaml");
  }
}
