package io.trireme.apiserver.testing;

import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.ApiServerConfig;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.pki.Pki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;

/** A real etcd plus an {@link ApiServer} on 127.0.0.1, an admin client certificate and an HTTPS client. */
public final class TestApiServer implements AutoCloseable {
  public final EtcdProcess etcd;
  public volatile ApiServer server;
  private final Path tokenFile;
  public final CertifiedKey caKey;
  public final CertifiedKey admin;
  private final ClusterCa ca;
  private final UnaryOperator<ApiServerConfig> tune;
  public final InetSocketAddress address;
  private final HttpClient http;

  public TestApiServer() throws Exception {
    this(null);
  }

  public TestApiServer(Path tokenFile) throws Exception {
    this(tokenFile, UnaryOperator.identity());
  }

  /** @param tune changes the test configuration (each peer gets the same change) */
  public TestApiServer(Path tokenFile, UnaryOperator<ApiServerConfig> tune) throws Exception {
    etcd = new EtcdProcess();
    this.tune = tune;
    Pki pki = new Pki(Clock.systemUTC());
    caKey = pki.newCa("trireme-test-ca", Duration.ofDays(1));
    ca = ClusterCa.of(caKey);
    admin = pki.issueClient(ca, "admin", List.of("system:masters"), Duration.ofDays(1));
    this.tokenFile = tokenFile;
    server = new ApiServer(config("test", "127.0.0.1", 0).withTokenFile(tokenFile), etcd.channel());
    address = server.start();
    Awaitility.await("bootstrap").atMost(Duration.ofSeconds(30)).until(server::bootstrapped);
    http = client(admin);
  }

  private ApiServerConfig config(String name, String bindAddress, int port) {
    return tune.apply(ApiServerConfig.of(name, bindAddress, port, ca, List.of("localhost", bindAddress))
        .withBookmarkInterval(Duration.ofMillis(500)).withMasterLeaseTtl(Duration.ofSeconds(3)));
  }

  /** Another apiserver on the same etcd and CA, bound to {@code bindAddress} (127.0.2.x); the caller closes it. */
  public ApiServer startPeer(String name, String bindAddress) throws Exception {
    ApiServer peer = new ApiServer(config(name, bindAddress, 0), etcd.channel());
    peer.start();
    Awaitility.await("bootstrap of " + name).atMost(Duration.ofSeconds(30)).until(peer::bootstrapped);
    return peer;
  }

  /** Stops the apiserver (every connection, watches too, ends); {@link #restart()} brings it back. */
  public void stopServer() {
    server.close();
  }

  /** A new apiserver on the same address and port, over the same etcd. */
  public void restart() throws Exception {
    server = new ApiServer(config("test", "127.0.0.1", address.getPort()).withTokenFile(tokenFile),
        etcd.channel());
    server.start();
    Awaitility.await("bootstrap after restart").atMost(Duration.ofSeconds(30)).until(server::bootstrapped);
  }

  public String url() {
    return "https://127.0.0.1:" + address.getPort();
  }

  /** A request to any apiserver of this etcd ({@code to} is its bound address). */
  public HttpResponse<String> send(InetSocketAddress to, String method, String path, String contentType,
      String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + to.getHostString() + ":" + to.getPort()
        + path)).timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An HTTP/1.1 client trusting the cluster CA, presenting {@code identity} (or nothing when null). */
  public HttpClient client(CertifiedKey identity) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caKey.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (identity != null) {
      keys.setKeyEntry("me", identity.privateKey(), "x".toCharArray(),
          new Certificate[] {identity.certificate()});
    }
    kmf.init(keys, "x".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  public HttpResponse<String> send(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpClient http() {
    return http;
  }

  /** Writes a kubeconfig for the admin identity into {@code dir}. */
  public Path writeKubeconfig(Path dir) throws IOException {
    Base64.Encoder b64 = Base64.getEncoder();
    return writeKubeconfig(dir.resolve("kubeconfig"), "admin", "client-certificate-data: "
        + b64.encodeToString(admin.certificatePem().getBytes(StandardCharsets.UTF_8))
        + "\n    client-key-data: " + b64.encodeToString(admin.privateKeyPem().getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes {@code file}, a kubeconfig for a bearer-token user of the token file. */
  public Path writeTokenKubeconfig(Path file, String user, String token) throws IOException {
    return writeKubeconfig(file, user, "token: " + token);
  }

  /** Writes {@code file}, a kubeconfig with the server and CA but no credentials (for {@code kubectl --token}). */
  public Path writeNoCredentialsKubeconfig(Path file) throws IOException {
    return writeKubeconfig(file, "nobody", "{}");
  }

  private Path writeKubeconfig(Path file, String user, String credentials) throws IOException {
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: trireme\n  cluster:\n    server: " + url()
        + "\n    certificate-authority-data: " + Base64.getEncoder().encodeToString(caKey.certificatePem()
            .getBytes(StandardCharsets.UTF_8))
        + "\nusers:\n- name: " + user + "\n  user:\n    " + credentials
        + "\ncontexts:\n- name: " + user + "@trireme\n  context:\n    cluster: trireme\n    user: " + user
        + "\n    namespace: default\ncurrent-context: " + user + "@trireme\n";
    Files.writeString(file, yaml);
    return file;
  }

  @Override
  public void close() {
    server.close();
    etcd.close();
  }
}
