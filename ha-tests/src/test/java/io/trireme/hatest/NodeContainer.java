package io.trireme.hatest;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;

/**
 * One node container and the faults a drill applies to it. After {@link #kill()} or {@link #stopGracefully} the
 * same container (with its data) comes back with {@link #restart()}.
 */
final class NodeContainer {
  private final String name;
  private final String ip;
  private final GenericContainer<?> container;
  private final DockerClient docker;
  private String cutVeth;

  NodeContainer(String name, String ip, GenericContainer<?> container, DockerClient docker) {
    this.name = name;
    this.ip = ip;
    this.container = container;
    this.docker = docker;
  }

  String name() {
    return name;
  }

  String ip() {
    return ip;
  }

  String id() {
    return container.getContainerId();
  }

  GenericContainer<?> container() {
    return container;
  }

  /** {@code docker kill -s KILL}: the node gets no chance to hand anything over. */
  void kill() {
    docker.killContainerCmd(id()).withSignal("KILL").exec();
  }

  /**
   * {@code docker pause}: every process of the container is frozen (its kernel network state is not). The cgroup
   * freezer can fail to settle on a busy machine ("unable to freeze"); runc thaws again then, so it is retried.
   */
  void pause() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        docker.pauseContainerCmd(id()).exec();
        return;
      } catch (InternalServerErrorException e) {
        if (attempt == 5 || !String.valueOf(e.getMessage()).contains("freeze")) throw e;
        Thread.sleep(200); // let the busy processes get past what kept them from freezing
      }
    }
  }

  void unpause() {
    docker.unpauseContainerCmd(id()).exec();
  }

  /** {@code docker stop -t <timeout>}: SIGTERM, SIGKILL after the timeout; returns the container's exit code. */
  long stopGracefully(Duration timeout) {
    docker.stopContainerCmd(id()).withTimeout((int) timeout.toSeconds()).exec();
    Long code = inspect().getState().getExitCodeLong();
    return code == null ? -1 : code;
  }

  /** {@code docker start} of the same container, with the data it had. */
  void restart() {
    docker.startContainerCmd(id()).exec();
  }

  boolean running() {
    InspectContainerResponse.ContainerState s = inspect().getState();
    return Boolean.TRUE.equals(s.getRunning()) && !Boolean.TRUE.equals(s.getPaused());
  }

  InspectContainerResponse inspect() {
    return docker.inspectContainerCmd(id()).exec();
  }

  Exec.Result exec(String... cmd) {
    return Exec.run(docker, id(), Duration.ofSeconds(20), cmd);
  }

  /** A file of the container (running or stopped), as text. */
  String readFile(String path) {
    return container.copyFileFromContainer(path, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * Cuts the node off the network like a pulled cable: the host side of its veth pair goes down, so nothing passes
   * in either direction (ARP included) while its eth0 and the addresses on it stay as they were. Only the node's
   * own decisions can remove a VIP it holds.
   */
  void cutOff() throws IOException, InterruptedException {
    String iflink = exec("cat", "/sys/class/net/eth0/iflink").stdout().strip();
    cutVeth = hostInterfaceWithIndex(Integer.parseInt(iflink));
    host("ip", "link", "set", "dev", cutVeth, "down");
  }

  /** Undoes {@link #cutOff()}. */
  void reconnect() throws IOException, InterruptedException {
    if (cutVeth == null) throw new IllegalStateException(name + " is not cut off");
    host("ip", "link", "set", "dev", cutVeth, "up");
    cutVeth = null;
  }

  String logs() {
    return container.getLogs();
  }

  private static String hostInterfaceWithIndex(int index) throws IOException {
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      for (Path link : links.toList()) {
        Path ifindex = link.resolve("ifindex");
        if (Files.isReadable(ifindex) && Files.readString(ifindex).strip().equals(Integer.toString(index))) {
          return link.getFileName().toString();
        }
      }
    }
    throw new IOException("no host interface with index " + index + " (the drills must run on the Docker host)");
  }

  private static void host(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
  }

  @Override
  public String toString() {
    return name + "@" + ip;
  }
}
