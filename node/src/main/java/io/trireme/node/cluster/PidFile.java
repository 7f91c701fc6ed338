package io.trireme.node.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A node's pid file. A pid is only trusted while it names a live Trireme node process, so a stale file
 * (left by kill -9) never makes us signal an unrelated process that reused the pid.
 */
public record PidFile(Path path) {

  public void write(long pid) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n");
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public Optional<Long> read() throws IOException {
    try {
      String s = Files.readString(path).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NumberFormatException e) {
      throw new IOException(path + ": not a pid: " + e.getMessage());
    }
  }

  /** The live node process this file names, if any. */
  public Optional<ProcessHandle> liveProcess() throws IOException {
    return read().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(PidFile::isTriremeNode);
  }

  /** Removes the file if it still names {@code pid} (a restarted node may have rewritten it). */
  public void deleteIfOwnedBy(long pid) {
    try {
      if (read().filter(p -> p == pid).isPresent()) Files.deleteIfExists(path);
    } catch (IOException e) {
      // the file is gone or unreadable; nothing of ours to remove
    }
  }

  public void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  static boolean isTriremeNode(ProcessHandle p) {
    String cmd = p.info().commandLine().orElse("");
    return cmd.contains("trireme") && cmd.contains(" node ") && cmd.contains("--config");
  }
}
