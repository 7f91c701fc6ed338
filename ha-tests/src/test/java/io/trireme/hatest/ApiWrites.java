package io.trireme.hatest;

import java.io.IOException;

/**
 * Writes through the VIP the way kubectl would: each write creates a ConfigMap in {@code default} with
 * {@code POST https://<VIP>:16443/api/v1/namespaces/default/configmaps}; 201 is the acknowledgement. The object
 * lands in the store at {@code /registry/configmaps/default/<name>}.
 */
final class ApiWrites {
  static final String STORE_PREFIX = "/registry/configmaps/default/";

  private final ApiClient client;
  private final String host;
  private final int port;

  ApiWrites(ApiClient client, String host, int port) {
    this.client = client;
    this.host = host;
    this.port = port;
  }

  /** A {@link ClientLoop.Write}: {@code key} becomes the ConfigMap's name, {@code value} its {@code data.v}. */
  String put(String key, String value) {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + key
        + "\",\"namespace\":\"default\"},\"data\":{\"v\":\"" + value + "\"}}";
    try {
      ApiClient.Response r = client.request(host, port, "POST", "/api/v1/namespaces/default/configmaps", body);
      return r.status() == 201 ? null : "HTTP " + r.status() + ": " + r.body().strip();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** {@code GET /readyz} through the same address: null when it answers 200. */
  String notReady() {
    try {
      ApiClient.Response r = client.request(host, port, "GET", "/readyz", null);
      return r.status() == 200 ? null : "HTTP " + r.status() + ": " + r.body().strip();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
