package io.trireme.node.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trireme.node.config.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's plain-HTTP status endpoint (like etcd's {@code --listen-metrics-urls}): {@code GET /status} (what the
 * node knows about itself, as JSON), {@code GET /metrics} (Prometheus text format) and {@code GET /healthz}. Read
 * only: it changes nothing, so it needs no authentication; bind it to an address only operators reach.
 */
final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static StatusServer start(HostPort listen, Supplier<Map<String, Object>> status, PrometheusMeterRegistry metrics)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "status-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", ex -> {
      try (ex) {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
          ex.getResponseHeaders().set("Allow", "GET, HEAD");
          send(ex, 405, "text/plain", "method not allowed\n");
          return;
        }
        switch (ex.getRequestURI().getPath()) {
          case "/status" -> send(ex, 200, "application/json", JSON.writeValueAsString(status.get()) + "\n");
          case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
          case "/healthz" -> send(ex, 200, "text/plain", "ok\n");
          default -> send(ex, 404, "text/plain", "not found: try /status, /metrics or /healthz\n");
        }
      } catch (RuntimeException e) {
        LOG.warn("status request {} failed: {}", ex.getRequestURI(), e.toString());
        send(ex, 500, "text/plain", "internal error: " + e.getMessage() + "\n");
      }
    });
    server.start();
    LOG.info("ready: status endpoint on http://{}:{}/status", listen.host(), server.getAddress().getPort());
    return new StatusServer(server, executor);
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
