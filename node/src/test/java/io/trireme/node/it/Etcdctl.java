package io.trireme.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real {@code etcdctl} (v3 API) against a set of endpoints. */
final class Etcdctl {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, String> ENV = Map.of("ETCDCTL_API", "3");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String endpoints;

  Etcdctl(String endpoints) {
    this.endpoints = endpoints;
  }

  Etcdctl on(String otherEndpoints) {
    return new Etcdctl(otherEndpoints);
  }

  String endpoints() {
    return endpoints;
  }

  List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=10s",
        "--dial-timeout=3s"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  Cmd.Result run(String... args) {
    return Cmd.run(command(args), ENV, null, DEFAULT_TIMEOUT);
  }

  Cmd.Result runWithInput(String stdin, String... args) {
    return Cmd.run(command(args), ENV, stdin, DEFAULT_TIMEOUT);
  }

  Cmd.Result runLong(Duration timeout, String... args) {
    return Cmd.run(command(args), ENV, null, timeout);
  }

  /** Runs and insists on exit 0; returns stdout. */
  String ok(String... args) {
    Cmd.Result r = run(args);
    if (!r.ok()) throw new AssertionError("etcdctl failed: " + r);
    return r.out();
  }

  JsonNode json(String... args) {
    String[] withJson = new String[args.length + 2];
    System.arraycopy(args, 0, withJson, 0, args.length);
    withJson[args.length] = "-w";
    withJson[args.length + 1] = "json";
    try {
      return JSON.readTree(ok(withJson));
    } catch (java.io.IOException e) {
      throw new AssertionError("etcdctl printed no JSON", e);
    }
  }

  Process background(Path outFile, String... args) {
    return Cmd.background(command(args), ENV, outFile);
  }

  /** etcdctl prints 64-bit ids as unsigned decimals in JSON. */
  static long id(JsonNode n) {
    return Long.parseUnsignedLong(n.asText());
  }
}
