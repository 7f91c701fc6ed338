package io.trireme.lb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * An HTTPS readiness check run after the TCP connect succeeds: {@code GET <path>} over TLS, the server
 * certificate verified against {@code trustedCertificates} (the cluster CA), and only status 200 counts as a
 * pass — the apiserver's {@code /readyz}.
 *
 * @param path request path, e.g. {@code /readyz}
 * @param trustedCertificates CA certificates the backend's certificate must chain to; not empty
 * @param verifyHostname also require the certificate to name the backend's host (its IP or DNS SAN)
 */
public record ReadinessProbe(String path, List<X509Certificate> trustedCertificates, boolean verifyHostname) {

    public ReadinessProbe {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        trustedCertificates = List.copyOf(trustedCertificates);
        if (trustedCertificates.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted CA certificate is required");
        }
    }

    /** {@code GET /readyz} trusting {@code ca}, with host name verification. */
    public static ReadinessProbe readyz(X509Certificate ca) {
        return new ReadinessProbe("/readyz", List.of(ca), true);
    }

    /** {@code GET /readyz} trusting the certificates of a PEM file, with host name verification. */
    public static ReadinessProbe readyz(Path caPem) {
        return new ReadinessProbe("/readyz", readPem(caPem), true);
    }

    public ReadinessProbe withVerifyHostname(boolean verify) {
        return new ReadinessProbe(path, trustedCertificates, verify);
    }

    /** Reads every certificate of a PEM (or DER) file. */
    public static List<X509Certificate> readPem(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certs.isEmpty()) {
                throw new LoadBalancerException("no certificate in " + pem, null);
            }
            return certs;
        } catch (IOException | CertificateException e) {
            throw new LoadBalancerException("cannot read CA certificate " + pem + ": " + e.getMessage(), e);
        }
    }
}
