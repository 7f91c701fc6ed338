package io.trireme.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher's own contract: foreground {@code up} stopped by SIGTERM, idempotent {@code down}, bad config. */
class UpDownIT {
  private static final List<String> ADDRESSES = List.of("127.0.1.31", "127.0.1.32", "127.0.1.33");

  private Path dir;
  private Process up;

  @BeforeEach
  void tempDir() throws IOException {
    assumeFalse("etcd".equals(System.getProperty("trireme.it.reference")), "trireme CLI only");
    Path base = Path.of(System.getProperty("trireme.test.tmp", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "updown-it-");
  }

  @AfterEach
  void cleanUp() {
    if (dir == null) return;
    if (up != null && up.isAlive()) {
      up.destroyForcibly();
      up.onExit().join();
    }
    trireme("down", "--dir", dir.toString(), "--timeout", "10");
  }

  @Test
  void foregroundUp_sigterm_stopsEveryNodeAndRemovesPidFiles() throws Exception {
    Path out = dir.resolve("up.out");
    Files.createDirectories(dir);
    up = Cmd.background(List.of(TriremeCluster.root().resolve("bin/trireme").toString(), "up", "--timeout", "150",
        "--dir", dir.toString(), "--addresses", String.join(",", ADDRESSES), "--vip", "127.0.1.39"), Map.of(), out);
    await("cluster up in the foreground").atMost(TriremeCluster.UP_TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(() -> Files.readString(out).contains("running in the foreground") || !up.isAlive());
    assertThat(up.isAlive()).as("up exited early:\n%s", Files.readString(out)).isTrue();
    assertThat(Files.readString(out)).contains("started node1").contains("started node3")
        .contains("etcdctl --endpoints=127.0.1.31:2379,127.0.1.32:2379,127.0.1.33:2379 member list");
    List<ProcessHandle> nodes = new ArrayList<>();
    for (String n : List.of("node1", "node2", "node3")) nodes.add(liveNode(n).orElseThrow());

    up.destroy(); // SIGTERM, as Ctrl-C would

    assertThat(up.onExit().get().exitValue()).isNotZero().isNotEqualTo(137);
    for (ProcessHandle n : nodes) assertThat(n.isAlive()).as("node pid %d", n.pid()).isFalse();
    for (String n : List.of("node1", "node2", "node3")) assertThat(dir.resolve(n).resolve("pid")).doesNotExist();
    assertThat(Files.readString(out)).contains("stopped node1").contains("stopped node2").contains("stopped node3");
  }

  @Test
  void down_isIdempotent_andUpReusesTheDirectory() throws Exception {
    Cmd.Result first = trireme("up", "--detach", "--timeout", "150", "--dir", dir.toString(), "--addresses",
        String.join(",", ADDRESSES), "--vip", "127.0.1.39");
    assertThat(first.ok()).as("%s", first).isTrue();
    assertThat(first.out()).contains("created a 3-node cluster").contains("cluster is up");
    long pid = Long.parseLong(Files.readString(dir.resolve("node2/pid")).trim());

    Cmd.Result down = trireme("down", "--dir", dir.toString());
    assertThat(down.ok()).as("%s", down).isTrue();
    assertThat(down.out()).contains("stopped node2 (pid " + pid + ")");
    assertThat(ProcessHandle.of(pid)).isEmpty();

    Cmd.Result again = trireme("down", "--dir", dir.toString());
    assertThat(again.ok()).as("%s", again).isTrue();
    assertThat(again.out()).contains("node1 was not running");

    Cmd.Result second = trireme("up", "--detach", "--timeout", "150", "--dir", dir.toString());
    assertThat(second.ok()).as("%s", second).isTrue();
    assertThat(second.out()).contains("reusing the cluster in " + dir.toRealPath());
  }

  @Test
  void nodeWithBadConfig_exits2WithOneLine() throws Exception {
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, "name: node1\ndataDir: " + dir + "\nstore: {colour: blue}\nmembers: []\n");

    Cmd.Result r = trireme("node", "--config", config.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("trireme node: bad config: " + config).contains("unknown key 'colour'")
        .doesNotContain("\n").doesNotContain("Exception");
  }

  private Optional<ProcessHandle> liveNode(String node) throws IOException {
    Path pid = dir.resolve(node).resolve("pid");
    if (!Files.exists(pid)) return Optional.empty();
    return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive);
  }

  private static Cmd.Result trireme(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(TriremeCluster.root().resolve("bin/trireme").toString());
    cmd.addAll(List.of(args));
    return Cmd.run(cmd, Map.of(), null, TriremeCluster.UP_TIMEOUT);
  }
}
