package io.trireme.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
  @Test
  void write_read_roundTrips(@TempDir Path dir) throws Exception {
    PidFile f = new PidFile(dir.resolve("n/pid"));
    assertThat(f.read()).isEmpty();

    f.write(4242);

    assertThat(f.read()).contains(4242L);
  }

  @Test
  void liveProcess_pidOfANonNodeProcess_isNotTrusted(@TempDir Path dir) throws Exception {
    PidFile f = new PidFile(dir.resolve("pid"));
    f.write(ProcessHandle.current().pid()); // alive, but this test JVM is no `trireme node` process

    assertThat(f.liveProcess()).isEmpty();
  }

  @Test
  void liveProcess_deadPid_isEmpty(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    PidFile f = new PidFile(dir.resolve("pid"));
    f.write(p.pid());

    assertThat(f.liveProcess()).isEmpty();
  }

  @Test
  void deleteIfOwnedBy_leavesAFileRewrittenByAnotherProcess(@TempDir Path dir) throws Exception {
    PidFile f = new PidFile(dir.resolve("pid"));
    f.write(7);

    f.deleteIfOwnedBy(8);
    assertThat(Files.exists(f.path())).isTrue();

    f.deleteIfOwnedBy(7);
    assertThat(Files.exists(f.path())).isFalse();
  }
}
