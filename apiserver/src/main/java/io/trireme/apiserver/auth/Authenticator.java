package io.trireme.apiserver.auth;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Request authentication: a verified X.509 client certificate (CN = user, O = groups; the TLS layer has
 * already checked it against the cluster CA), a bearer token from the token file, or a service-account token
 * this cluster signed ({@link ServiceAccountTokens}) whose account still exists with the same uid. Only the
 * service-account check may go to the store; the other answers are complete at once.
 */
public final class Authenticator {
  private final TokenFile tokens;
  private final ServiceAccountTokens serviceAccountTokens;
  private final ServiceAccountLookup serviceAccounts;

  public Authenticator(TokenFile tokens) {
    this(tokens, null, null);
  }

  /** @param serviceAccountTokens null: service-account tokens are not accepted */
  public Authenticator(TokenFile tokens, ServiceAccountTokens serviceAccountTokens,
      ServiceAccountLookup serviceAccounts) {
    if ((serviceAccountTokens == null) != (serviceAccounts == null)) {
      throw new IllegalArgumentException("service-account tokens need a service-account lookup");
    }
    this.tokens = tokens;
    this.serviceAccountTokens = serviceAccountTokens;
    this.serviceAccounts = serviceAccounts;
  }

  /**
   * @param peerCertificates the verified client chain, or null; @param authorization the header, or null.
   * Completes with the user, or empty when nothing authenticates the request (401).
   */
  public CompletableFuture<Optional<UserInfo>> authenticate(Certificate[] peerCertificates,
      String authorization) {
    Optional<UserInfo> fromCert = Optional.empty();
    if (peerCertificates != null && peerCertificates.length > 0
        && peerCertificates[0] instanceof X509Certificate x) {
      fromCert = Optional.ofNullable(fromCertificate(x));
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return CompletableFuture.completedFuture(fromCert);
    }
    String token = authorization.substring(7).trim();
    Optional<UserInfo> u = tokens.user(token);
    if (u.isPresent()) {
      return CompletableFuture.completedFuture(u);
    }
    Optional<ServiceAccountTokens.Claims> claims = serviceAccountTokens == null ? Optional.empty()
        : serviceAccountTokens.verify(token);
    if (claims.isEmpty()) {
      return CompletableFuture.completedFuture(fromCert);
    }
    ServiceAccountTokens.Claims c = claims.get();
    Optional<UserInfo> otherwise = fromCert;
    return serviceAccounts.uid(c.namespace(), c.name()).thenApply(uid -> uid.isPresent()
        && (c.uid().isEmpty() || c.uid().equals(uid.get()))
        ? Optional.of(ServiceAccountTokens.user(c.namespace(), c.name(), uid.get())) : otherwise);
  }

  static UserInfo fromCertificate(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    RDN[] cn = name.getRDNs(BCStyle.CN);
    if (cn.length == 0) {
      return null;
    }
    List<String> groups = new ArrayList<>();
    for (RDN o : name.getRDNs(BCStyle.O)) {
      groups.add(IETFUtils.valueToString(o.getFirst().getValue()));
    }
    groups.add("system:authenticated");
    return new UserInfo(IETFUtils.valueToString(cn[0].getFirst().getValue()), "", groups);
  }
}
