package io.trireme.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trireme.node.config.HostPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads nodes' {@code GET /status} (the node's plain-HTTP status endpoint, port 2381 by default). */
public final class NodeStatusProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeStatusProbe() {}

  /** One node's answer, or why there is none. */
  public record Answer(HostPort endpoint, JsonNode status, String error) {
    public boolean answered() {
      return status != null;
    }

    /** {@code status.vip.failingChecks}: why the node may not hold the VIP now (empty when it may). */
    public List<String> failingChecks() {
      List<String> out = new java.util.ArrayList<>();
      if (status != null) status.path("vip").path("failingChecks").forEach(f -> out.add(f.asText()));
      return out;
    }

    /** It answered, runs a VIP agent, and passes every VIP health check. */
    public boolean vipHealthy() {
      return answered() && vip("state").filter(s -> !s.equals("DISABLED")).isPresent() && failingChecks().isEmpty();
    }

    /** It is healthy and may take the VIP now: the hysteresis after its checks passed is over. */
    public boolean vipEligible() {
      return vipHealthy() && vip("eligible").map(Boolean::parseBoolean).orElse(false);
    }

    /** {@code status.vip.<field>} as text (scalars only), or empty. */
    public Optional<String> vip(String field) {
      if (status == null) return Optional.empty();
      JsonNode v = status.path("vip").path(field);
      return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
  }

  /** Asks every endpoint at once; each answer within {@code timeout} or with its error. */
  public static List<Answer> probe(List<HostPort> endpoints, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    List<CompletableFuture<Answer>> futures = endpoints.stream().map(hp -> {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + hp + "/status")).timeout(timeout).GET().build();
      return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
        if (err != null) return new Answer(hp, null, describe(err));
        if (resp.statusCode() != 200) return new Answer(hp, null, "HTTP " + resp.statusCode());
        try {
          return new Answer(hp, JSON.readTree(resp.body()), null);
        } catch (IOException e) {
          return new Answer(hp, null, "bad JSON: " + e.getMessage());
        }
      });
    }).toList();
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /** The VIP owner the answering nodes agree on: the node that says it holds the VIP. */
  public static Optional<String> vipHolder(List<Answer> answers) {
    return answers.stream().filter(a -> a.vip("holds").map(Boolean::parseBoolean).orElse(false))
        .map(a -> a.status().path("name").asText()).findFirst();
  }

  private static String describe(Throwable err) {
    Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
