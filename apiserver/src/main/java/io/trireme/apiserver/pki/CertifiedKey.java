package io.trireme.apiserver.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** A certificate with its private key; PEM in and out (for kubeconfigs and for storing the CA). */
public record CertifiedKey(X509Certificate certificate, PrivateKey privateKey) {
  public CertifiedKey {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  public String certificatePem() {
    return pem(certificate);
  }

  /** PKCS#8 ("PRIVATE KEY"), which Go's crypto/tls (kubectl) reads for EC keys. */
  public String privateKeyPem() {
    return pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", privateKey.getEncoded()));
  }

  public static String pem(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  /** Reads a certificate PEM and a private key PEM (PKCS#8 or traditional). */
  public static CertifiedKey fromPem(String certificatePem, String keyPem) {
    try (PEMParser certs = new PEMParser(new StringReader(certificatePem));
        PEMParser keys = new PEMParser(new StringReader(keyPem))) {
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate((X509CertificateHolder) certs.readObject());
      Object k = keys.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      PrivateKey key = k instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate()
          : conv.getPrivateKey((PrivateKeyInfo) k);
      return new CertifiedKey(cert, key);
    } catch (IOException | CertificateException | ClassCastException e) {
      throw new IllegalArgumentException("not a PEM certificate and key: " + e.getMessage(), e);
    }
  }
}
