package io.trireme.apiserver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl with a kubeconfig, a fresh HOME and a fresh discovery cache. */
public final class Kubectl {
  /** Exit code and output of one run. */
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private final String binary;
  private final Path kubeconfig;
  private final Path home;

  public Kubectl(String binary, Path kubeconfig, Path home) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.home = home;
  }

  public Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  public Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    return runWith(Map.of(), stdin, args);
  }

  /** Runs with extra environment variables (e.g. KUBE_EDITOR). */
  public Result runWith(Map<String, String> env, String stdin, String... args)
      throws IOException, InterruptedException {
    Running r = start(env, args);
    if (stdin != null) {
      r.process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    r.process.getOutputStream().close();
    if (!r.process.waitFor(120, TimeUnit.SECONDS)) {
      r.process.destroyForcibly();
      throw new IllegalStateException("kubectl " + args[0] + " did not finish in 120 s");
    }
    return r.result();
  }

  /** A kubectl that keeps running (get -w) until {@link #stop()}. */
  public static final class Running {
    private final Process process;
    private final Path out;
    private final Path err;

    private Running(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    /** What it printed on stdout so far. */
    public String out() throws IOException {
      return Files.readString(out);
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** Ends it (SIGTERM, then SIGKILL after 10 s) and returns what it printed. */
    public Result stop() throws IOException, InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      return result();
    }

    private Result result() throws IOException {
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  /** Starts kubectl without waiting; stdin is closed. */
  public Running start(String... args) throws IOException {
    Running r = start(Map.of(), args);
    r.process.getOutputStream().close();
    return r;
  }

  private Running start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.add("--request-timeout=30s");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", home.toString());
    pb.environment().put("KUBECACHEDIR", home.resolve("cache").toString());
    pb.environment().putAll(env);
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Running(pb.start(), out, err);
  }

  /** The directory of the real kubectl, where the versioned binaries kubectl.1.27 ... kubectl.1.33 sit. */
  public static Path versionedDir() throws IOException {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        return k.toRealPath().getParent();
      }
    }
    throw new IllegalStateException("kubectl is not on PATH");
  }
}
