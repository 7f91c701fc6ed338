package io.trireme.apiserver.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The cluster's certificate authority: it signs the serving certificate and client certificates, and client
 * certificates are verified against it. Where it comes from is the caller's business: {@link Pki#newCa}
 * creates one; the node later creates it once on first boot through a store transaction so that racing
 * nodes agree on one CA, and hands the agreed CA here.
 */
public interface ClusterCa {
  X509Certificate certificate();

  PrivateKey privateKey();

  static ClusterCa of(CertifiedKey ck) {
    return new ClusterCa() {
      @Override
      public X509Certificate certificate() {
        return ck.certificate();
      }

      @Override
      public PrivateKey privateKey() {
        return ck.privateKey();
      }
    };
  }
}
