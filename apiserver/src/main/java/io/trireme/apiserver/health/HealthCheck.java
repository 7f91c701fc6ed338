package io.trireme.apiserver.health;

import java.util.concurrent.CompletableFuture;

/** One named check of /healthz, /livez or /readyz; completes with null when healthy, else the reason. */
public interface HealthCheck {
  String name();

  CompletableFuture<String> check();
}
