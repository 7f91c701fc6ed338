package io.trireme.apiserver.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver's health endpoints: {@code /<endpoint>} answers {@code ok}, {@code ?verbose} lists every
 * check as {@code [+]name ok} / {@code [-]name failed: reason}, {@code /<endpoint>/<check>} runs one check,
 * {@code ?exclude=<check>} skips one.
 */
public final class HealthEndpoint {
  /** The answer: HTTP code and text body. */
  public record Result(int code, String body) {}

  private final String name;
  private final List<HealthCheck> checks;

  public HealthEndpoint(String name, List<HealthCheck> checks) {
    this.name = name;
    this.checks = List.copyOf(checks);
  }

  public String name() {
    return name;
  }

  /** @return null when {@code single} names no check. */
  public CompletableFuture<Result> run(String single, boolean verbose, Set<String> exclude) {
    List<HealthCheck> selected = new ArrayList<>();
    for (HealthCheck c : checks) {
      if (single == null ? !exclude.contains(c.name()) : c.name().equals(single)) {
        selected.add(c);
      }
    }
    if (single != null && selected.isEmpty()) {
      return null;
    }
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (HealthCheck c : selected) {
      results.add(c.check().completeOnTimeout("timed out", 10, TimeUnit.SECONDS)
          .exceptionally(t -> String.valueOf(t.getMessage())));
    }
    return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      StringBuilder sb = new StringBuilder();
      boolean ok = true;
      for (int i = 0; i < selected.size(); i++) {
        String failure = results.get(i).join();
        ok &= failure == null;
        sb.append(failure == null ? "[+]" + selected.get(i).name() + " ok\n"
            : "[-]" + selected.get(i).name() + " failed: " + failure + "\n");
      }
      for (String x : exclude) {
        sb.append("[+]").append(x).append(" excluded: ok\n");
      }
      if (single != null) {
        return new Result(ok ? 200 : 500, ok ? "ok" : sb.toString());
      }
      if (!ok) {
        return new Result(500, sb + name + " check failed\n");
      }
      return new Result(200, verbose ? sb + name + " check passed\n" : "ok");
    });
  }
}
