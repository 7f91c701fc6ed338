package io.trireme.apiserver.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Creates the cluster CA and the certificates it signs (ECDSA P-256, SHA-256). */
public final class Pki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Clock clock;

  public Pki(Clock clock) {
    this.clock = clock;
  }

  /** A new self-signed CA. */
  public CertifiedKey newCa(String commonName, Duration validity) {
    KeyPair kp = keyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, kp, validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new CertifiedKey(sign(b, kp), kp.getPrivate());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create a CA", e);
    }
  }

  /**
   * A serving certificate for {@code names}: IP literals become IP SANs, everything else DNS SANs. The first
   * name is the common name.
   */
  public CertifiedKey issueServing(ClusterCa ca, List<String> names, Duration validity) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name");
    }
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names.get(0)).build();
    return issue(ca, subject, validity, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans.toArray(
        new GeneralName[0])));
  }

  /** A client certificate: CN = user, one O per group (Kubernetes' X.509 authentication). */
  public CertifiedKey issueClient(ClusterCa ca, String user, List<String> groups, Duration validity) {
    X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
    for (String g : groups) {
      nb.addRDN(BCStyle.O, g);
    }
    nb.addRDN(BCStyle.CN, user);
    return issue(ca, nb.build(), validity, KeyPurposeId.id_kp_clientAuth, null);
  }

  private CertifiedKey issue(ClusterCa ca, X500Name subject, Duration validity, KeyPurposeId usage,
      GeneralNames sans) {
    KeyPair kp = keyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b = builder(issuer, subject, kp, validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
              | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.privateKey())));
      return new CertifiedKey(cert, kp.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Duration validity) {
    Instant now = clock.instant();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, kp.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair kp) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC key generator", e);
    }
  }

  static boolean isIpLiteral(String s) {
    if (s.contains(":")) {
      return true;
    }
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

}
