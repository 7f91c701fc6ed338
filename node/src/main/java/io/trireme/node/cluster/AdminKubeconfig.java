package io.trireme.node.cluster;

import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.pki.Pki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The cluster administrator's kubeconfig ({@code <dir>/admin.conf}): the cluster CA, a client certificate for
 * user {@code admin} in group {@code system:masters} signed by that CA, and one apiserver URL.
 *
 * @param server the apiserver URL, e.g. {@code https://127.0.0.11:6443}
 * @param ca     the cluster CA (its private key signs the client certificate; it is not written)
 * @param client the admin's certificate and key
 */
public record AdminKubeconfig(String server, CertifiedKey ca, CertifiedKey client) {
  public static final String FILE = "admin.conf";
  public static final String USER = "admin";
  public static final String GROUP = "system:masters";

  /** Issues a fresh admin client certificate (one year) from {@code ca}. */
  public static AdminKubeconfig issue(String server, CertifiedKey ca) {
    CertifiedKey client = new Pki(Clock.systemUTC()).issueClient(ClusterCa.of(ca), USER, List.of(GROUP),
        Duration.ofDays(365));
    return new AdminKubeconfig(server, ca, client);
  }

  /** The kubeconfig YAML. */
  public String yaml() {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: trireme\n"
        + "  cluster:\n"
        + "    server: " + server + "\n"
        + "    certificate-authority-data: " + b64(ca.certificatePem()) + "\n"
        + "users:\n"
        + "- name: " + USER + "\n"
        + "  user:\n"
        + "    client-certificate-data: " + b64(client.certificatePem()) + "\n"
        + "    client-key-data: " + b64(client.privateKeyPem()) + "\n"
        + "contexts:\n"
        + "- name: " + USER + "@trireme\n"
        + "  context:\n"
        + "    cluster: trireme\n"
        + "    user: " + USER + "\n"
        + "current-context: " + USER + "@trireme\n";
  }

  /** Writes {@link #yaml()} to {@code file} (mode 0600, temp file + rename). */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, yaml());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** An HTTP client that trusts the cluster CA and presents the admin certificate. */
  public HttpClient httpClient(Duration connectTimeout) {
    return httpClient(ca.certificate(), client, connectTimeout);
  }

  /** What a client needs from an admin.conf: the server URL and an HTTP client with its credentials. */
  public record Client(String server, HttpClient http) {}

  /** Reads an {@code admin.conf} written by {@link #write} back into a {@link Client}. */
  public static Client read(Path kubeconfig, Duration connectTimeout) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(kubeconfig.toFile());
    JsonNode cluster = root.path("clusters").path(0).path("cluster");
    JsonNode user = root.path("users").path(0).path("user");
    String server = cluster.path("server").asText(null);
    if (server == null) throw new IOException(kubeconfig + ": no clusters[0].cluster.server");
    try {
      X509Certificate caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new java.io.ByteArrayInputStream(unb64(cluster, "certificate-authority-data", kubeconfig)
              .getBytes(StandardCharsets.UTF_8)));
      CertifiedKey admin = CertifiedKey.fromPem(unb64(user, "client-certificate-data", kubeconfig),
          unb64(user, "client-key-data", kubeconfig));
      return new Client(server, httpClient(caCert, admin, connectTimeout));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(kubeconfig + ": bad credentials: " + e.getMessage(), e);
    }
  }

  private static String unb64(JsonNode node, String field, Path file) throws IOException {
    String v = node.path(field).asText(null);
    if (v == null) throw new IOException(file + ": no " + field);
    return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
  }

  private static HttpClient httpClient(X509Certificate caCert, CertifiedKey client, Duration connectTimeout) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] pass = new char[0];
      keys.setKeyEntry(USER, client.privateKey(), pass, new Certificate[] {client.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, pass);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ssl).connectTimeout(connectTimeout).build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS client from the admin credentials", e);
    }
  }

  /**
   * {@code GET <server>/readyz}.
   *
   * @return null when it answered 200, otherwise why not
   */
  public String notReadyReason(HttpClient http, Duration timeout) throws InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server + "/readyz")).timeout(timeout)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? null : "readyz answered " + r.statusCode() + ": " + r.body().strip();
    } catch (IOException e) {
      return "readyz: " + e;
    }
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }
}
