package io.trireme.vip.address;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs an OS command; injected so that command construction and error handling are testable. */
@FunctionalInterface
public interface CommandRunner {

    /** Exit code and the merged stdout/stderr. */
    record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} to completion.
     *
     * @throws IOException if the program cannot be started (not installed) or does not finish within timeout
     */
    Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException;
}
