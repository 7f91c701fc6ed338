package io.trireme.bench.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Asynchronous HTTPS calls to one apiserver with the admin credentials (HTTP/1.1 keep-alive connections). */
record Api(String server, HttpClient http) {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A call whose future fails unless the status is {@code 2xx}. */
  CompletableFuture<String> call(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " "
            + r.body().substring(0, Math.min(200, r.body().length())));
      }
      return r.body();
    });
  }

  CompletableFuture<String> post(String path, String json) {
    return call("POST", path, "application/json", json);
  }

  CompletableFuture<String> get(String path) {
    return call("GET", path, null, null);
  }
}
