package io.trireme.hatest;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code docker exec} through the Docker API: one-shot commands and long-running line streams. */
final class Exec {
  private Exec() {}

  /** What a finished command left. */
  record Result(long exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code cmd} in the container and waits for it; an unfinished command after {@code timeout} is an error. */
  static Result run(DockerClient docker, String containerId, Duration timeout, String... cmd) {
    ExecCreateCmdResponse exec = docker.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true)
        .withCmd(cmd).exec();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ResultCallback.Adapter<Frame> cb = docker.execStartCmd(exec.getId()).exec(new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        switch (frame.getStreamType()) {
          case STDOUT, RAW -> out.writeBytes(frame.getPayload());
          case STDERR -> err.writeBytes(frame.getPayload());
          default -> { }
        }
      }
    })) {
      if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("exec " + String.join(" ", cmd) + " in " + containerId.substring(0, 12)
            + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Long code = docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
    return new Result(code == null ? -1 : code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code cmd} and hands every complete stdout line to {@code lines} until the command ends (the container
   * stops) or the returned handle is closed.
   */
  static AutoCloseable stream(DockerClient docker, String containerId, Consumer<String> lines, String... cmd) {
    ExecCreateCmdResponse exec = docker.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(false)
        .withCmd(cmd).exec();
    StringBuilder partial = new StringBuilder();
    return docker.execStartCmd(exec.getId()).exec(new ResultCallback.Adapter<Frame>() {
      @Override
      public void onNext(Frame frame) {
        partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
          lines.accept(partial.substring(0, nl));
          partial.delete(0, nl + 1);
        }
      }
    });
  }
}
