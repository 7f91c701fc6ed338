package io.trireme.hatest;

import com.github.dockerjava.api.DockerClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Who holds the VIP, as the kernel of each node sees it: a loop inside every node container runs
 * {@code ip -4 -o addr show dev eth0} about every 50 ms and prints it with {@code $EPOCHREALTIME}; the lines
 * stream back through {@code docker exec}. The address on eth0 is the ground truth for "owner" (the status
 * endpoint is only the node's opinion). A paused container's loop is frozen too: it has no samples then.
 */
final class VipWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VipWatch.class);
  /**
   * One bash process per node; it forks only {@code ip} per sample and sleeps with a builtin read timeout. Each
   * line carries the time before and after {@code ip} ran: on a loaded machine {@code ip} can take a long time,
   * and the addresses it printed were read somewhere in between.
   */
  private static final String LOOP = "f=$(mktemp -u); mkfifo \"$f\"; exec 9<>\"$f\"; rm -f \"$f\"; "
      + "while :; do t=$EPOCHREALTIME; a=$(ip -4 -o addr show dev eth0 2>&1); "
      + "echo \"@ $t $EPOCHREALTIME ${a//$'\\n'/ | }\"; read -t 0.05 -u 9 || :; done";

  /**
   * One look at a node's eth0, taken at some moment between {@code before} and {@code after} (µs).
   */
  record Sample(long before, long after, boolean holds) {}

  private final String vip;
  private final DockerClient docker = DockerClientFactory.instance().client();
  private final Map<String, List<Sample>> samples = new HashMap<>();
  private final Map<String, AutoCloseable> loops = new HashMap<>();

  VipWatch(String vip) {
    this.vip = vip;
  }

  /** Starts (or restarts, after the container came back) sampling {@code node}. */
  synchronized void watch(NodeContainer node) {
    stop(node.name());
    samples.computeIfAbsent(node.name(), n -> new ArrayList<>());
    String needle = " inet " + vip + "/";
    loops.put(node.name(), Exec.stream(docker, node.id(), line -> {
      if (!line.startsWith("@ ")) return;
      int sp = line.indexOf(' ', 2);
      int sp2 = sp < 0 ? -1 : line.indexOf(' ', sp + 1);
      if (sp2 < 0) return;
      Sample s = new Sample(Micros.parseEpochRealtime(line.substring(2, sp)),
          Micros.parseEpochRealtime(line.substring(sp + 1, sp2)), line.indexOf(needle, sp2) >= 0);
      synchronized (this) {
        samples.get(node.name()).add(s);
      }
    }, "bash", "-c", LOOP));
  }

  private void stop(String name) {
    AutoCloseable loop = loops.remove(name);
    if (loop == null) return;
    try {
      loop.close();
    } catch (Exception e) {
      LOG.debug("closing the sampler of {}: {}", name, e.toString());
    }
  }

  synchronized Map<String, List<Sample>> samples() {
    Map<String, List<Sample>> copy = new HashMap<>();
    samples.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /** The nodes whose latest sample (not older than {@code maxAgeMicros}) shows the VIP. */
  synchronized List<String> holdersNow(long maxAgeMicros) {
    long now = Micros.now();
    List<String> out = new ArrayList<>();
    samples.forEach((name, list) -> {
      if (!list.isEmpty()) {
        Sample last = list.get(list.size() - 1);
        if (last.holds() && now - last.after() <= maxAgeMicros) out.add(name);
      }
    });
    out.sort(null);
    return out;
  }

  /**
   * By when (at the latest) a node other than {@code except} was seen holding the VIP, in the first such sample
   * taken after {@code micros}.
   */
  synchronized OptionalLong firstHeldByOtherAfter(String except, long micros) {
    return samples.entrySet().stream().filter(e -> !e.getKey().equals(except))
        .flatMap(e -> e.getValue().stream()).filter(s -> s.holds() && s.before() >= micros)
        .mapToLong(Sample::after).min();
  }

  /** By when (at the latest) {@code node} was seen without the VIP, in its first such sample after {@code micros}. */
  synchronized OptionalLong firstReleasedAfter(String node, long micros) {
    return samples.getOrDefault(node, List.of()).stream().filter(s -> !s.holds() && s.before() >= micros)
        .mapToLong(Sample::after).min();
  }

  /** The node whose sample ending at {@code after} showed the VIP. */
  synchronized String holderAt(long after) {
    return samples.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(s -> s.holds() && s.after() == after))
        .map(Map.Entry::getKey).findFirst().orElse("?");
  }

  @Override
  public synchronized void close() {
    List.copyOf(loops.keySet()).forEach(this::stop);
  }
}
