package io.trireme.apiserver.auth;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Request authentication: a verified X.509 client certificate (CN = user, O = groups; the TLS layer has
 * already checked it against the cluster CA) or a bearer token from the token file.
 */
public final class Authenticator {
  private final TokenFile tokens;

  public Authenticator(TokenFile tokens) {
    this.tokens = tokens;
  }

  /** @param peerCertificates the verified client chain, or null; @param authorization the header, or null. */
  public Optional<UserInfo> authenticate(Certificate[] peerCertificates, String authorization) {
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Optional<UserInfo> u = tokens.user(authorization.substring(7).trim());
      if (u.isPresent()) {
        return u;
      }
    }
    if (peerCertificates != null && peerCertificates.length > 0
        && peerCertificates[0] instanceof X509Certificate x) {
      return Optional.ofNullable(fromCertificate(x));
    }
    return Optional.empty();
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
