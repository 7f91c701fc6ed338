package io.trireme.vip.address;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link CommandRunner} over {@link ProcessBuilder}. Meant for short commands with little output ({@code ip},
 * {@code arping}): output is read after the process ends, so more than a pipe buffer of it would stall the
 * command until the timeout kills it.
 */
public final class ProcessCommandRunner implements CommandRunner {

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(process.exitValue(), output);
    }
}
