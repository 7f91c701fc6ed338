package io.trireme.node.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a time limit; output goes through files so no pipe can fill up. */
final class Cmd {
  private Cmd() {}

  /** How a command ended. */
  record Result(List<String> command, int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Result run(List<String> command, Map<String, String> env, String stdin, Duration timeout) {
    try {
      Path out = Files.createTempFile("cmd", ".out");
      Path err = Files.createTempFile("cmd", ".err");
      Path in = Files.createTempFile("cmd", ".in");
      try {
        Files.writeString(in, stdin == null ? "" : stdin);
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
              + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
        }
        return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        Files.deleteIfExists(in);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** Starts a command in the background, output to {@code outFile} (appended). */
  static Process background(List<String> command, Map<String, String> env, Path outFile) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectInput(new File("/dev/null"))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()));
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + command, e);
    }
  }
}
