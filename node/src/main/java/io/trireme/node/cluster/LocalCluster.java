package io.trireme.node.cluster;

import io.trireme.node.config.NodeConfig;
import io.trireme.node.probe.Target;
import io.trireme.store.StoreMember;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Starting, finding and stopping the node processes of a {@link ClusterLayout}. */
public final class LocalCluster {
  private final ClusterLayout layout;

  public LocalCluster(ClusterLayout layout) {
    this.layout = layout;
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** The node processes that are running now, by node name. */
  public Map<String, ProcessHandle> running() throws IOException {
    Map<String, ProcessHandle> out = new LinkedHashMap<>();
    for (NodeConfig n : layout.nodes()) {
      new PidFile(layout.pidFile(n)).liveProcess().ifPresent(p -> out.put(n.name(), p));
    }
    return out;
  }

  /** Starts every node as its own process and records its pid; returns the processes by node name. */
  public Map<String, Process> start(NodeLauncher launcher, Consumer<String> out) throws IOException {
    Map<String, Process> started = new LinkedHashMap<>();
    try {
      for (NodeConfig n : layout.nodes()) {
        Process p = launcher.start(layout.configFile(n), layout.logFile(n));
        started.put(n.name(), p);
        new PidFile(layout.pidFile(n)).write(p.pid());
        out.accept("started " + n.name() + " (pid " + p.pid() + ") on " + n.self().clientAddress().host()
            + ", log " + layout.logFile(n));
      }
    } catch (IOException | RuntimeException e) {
      started.values().forEach(Process::destroyForcibly);
      throw e;
    }
    return started;
  }

  /**
   * Stops every running node (SIGTERM, then SIGKILL after {@code grace}) and removes all pid files.
   * Idempotent: nodes that are not running are only reported.
   */
  public void stop(Duration grace, Consumer<String> out) throws IOException {
    Map<String, ProcessHandle> running = running();
    List<ProcessHandle> handles = new ArrayList<>(running.values());
    List<NodeStopper.Outcome> outcomes = new NodeStopper(grace).stop(handles);
    int i = 0;
    for (Map.Entry<String, ProcessHandle> e : running.entrySet()) {
      String how = outcomes.get(i++) == NodeStopper.Outcome.STOPPED ? "stopped " : "killed (did not stop within "
          + grace.toSeconds() + " s) ";
      out.accept(how + e.getKey() + " (pid " + e.getValue().pid() + ")");
    }
    for (NodeConfig n : layout.nodes()) {
      if (!running.containsKey(n.name())) out.accept(n.name() + " was not running");
      new PidFile(layout.pidFile(n)).delete();
    }
  }

  /** Probe targets: every member's etcd client address. */
  public List<Target> targets() {
    return layout.members().stream()
        .map(m -> new Target(m.name(), new StoreMember(m.name(), m.raftAddress().toSocketAddress(),
            m.clientAddress().toSocketAddress()).id(), m.clientAddress()))
        .toList();
  }

  /** The last {@code lines} lines of a node's log. */
  public String logTail(String node, int lines) {
    Path log = layout.dir().resolve(node).resolve(ClusterLayout.LOG_FILE);
    if (!Files.isRegularFile(log)) return "(no log at " + log + ")";
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 64 * 1024);
      byte[] buf = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(buf);
      List<String> all = new String(buf, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
