package io.trireme.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLauncherTest {
  @Test
  void command_runsTheNodeSubcommandWithThisJvmsFlagsAndAbsoluteConfig() {
    List<String> cmd = NodeLauncher.likeThisJvm().command(Path.of("rel/node.yaml"));

    assertThat(cmd).containsSubsequence("node", "--config", Path.of("rel/node.yaml").toAbsolutePath().toString());
    assertThat(cmd.get(cmd.size() - 3)).isEqualTo("node");
    assertThat(String.join(" ", cmd)).contains("java");
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-agentlib:jdwp")) assertThat(cmd).contains(flag);
    }
    // run from classes (not the shaded jar), it falls back to the class path and the main class
    assertThat(cmd).contains("io.trireme.node.Main");
  }
}
