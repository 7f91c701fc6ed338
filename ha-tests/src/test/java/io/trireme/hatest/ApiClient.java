package io.trireme.hatest;

import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.node.cluster.AdminKubeconfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately plain HTTPS/1.1 client for the drills: a new TCP connection per request (so every request finds
 * the VIP where it is now, as a reconnecting client would), bounded connect/read timeouts, the cluster CA as the
 * only trust anchor and an admin client certificate minted from the cluster CA. The serving certificate is checked
 * against the CA but not against the address dialled (the VIP need not be among its names).
 */
final class ApiClient {
  record Response(int status, String body) {}

  private final SSLContext tls;
  private final Duration timeout;

  ApiClient(CertifiedKey clusterCa, Duration timeout) {
    this.timeout = timeout;
    CertifiedKey admin = AdminKubeconfig.issue("https://unused", clusterCa).client();
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] pass = new char[0];
      keys.setKeyEntry("admin", admin.privateKey(), pass, new Certificate[] {admin.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, pass);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", clusterCa.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the admin TLS context", e);
    }
  }

  Response request(String host, int port, String method, String path, String jsonBody) throws IOException {
    int ms = (int) timeout.toMillis();
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), ms);
      raw.setSoTimeout(ms);
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
        s.startHandshake();
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
            + "Accept: application/json\r\nConnection: close\r\n"
            + (jsonBody == null ? "" : "Content-Type: application/json\r\n")
            + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read(s.getInputStream());
      }
    }
  }

  /** Status line, headers, then a Content-Length body (or everything up to the close). */
  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new IOException("connection closed before the response headers ended");
      headBytes.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = headBytes.toString(StandardCharsets.US_ASCII).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) throw new IOException("bad status line " + lines[0]);
    int status = Integer.parseInt(statusLine[1]);
    long length = -1;
    for (String h : lines) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        length = Long.parseLong(h.substring(colon + 1).trim());
      }
    }
    byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }
}
