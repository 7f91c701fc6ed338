package io.trireme.node.cluster;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@code trireme node --config <file>} as a separate OS process with the same java binary, the same
 * JVM flags and the same jar (or class path) as this process, output appended to the node's log.
 */
public final class NodeLauncher {
  private final List<String> javaCommand;

  private NodeLauncher(List<String> javaCommand) {
    this.javaCommand = List.copyOf(javaCommand);
  }

  /** A launcher that reproduces how the current JVM was started. */
  public static NodeLauncher likeThisJvm() {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      // own session and process group: a detached cluster outlives the terminal that started it
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp")) cmd.add(arg);
    }
    Path jar = ownJar();
    if (jar != null) {
      cmd.add("-jar");
      cmd.add(jar.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("io.trireme.node.Main");
    }
    return new NodeLauncher(cmd);
  }

  /** The full command line for one node. */
  public List<String> command(Path configFile) {
    List<String> cmd = new ArrayList<>(javaCommand);
    cmd.add("node");
    cmd.add("--config");
    cmd.add(configFile.toAbsolutePath().toString());
    return cmd;
  }

  /** Starts the node; stdout and stderr are appended to {@code logFile}. */
  public Process start(Path configFile, Path logFile) throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(command(configFile))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  private static Path ownJar() {
    try {
      var source = NodeLauncher.class.getProtectionDomain().getCodeSource();
      if (source == null) return null;
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }
}
