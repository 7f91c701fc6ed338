package io.trireme.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Service-account tokens as kube-apiserver issues them for TokenRequest ({@code serviceaccounts/token}): a JWT
 * signed with ES256 (the cluster CA's P-256 key, which every apiserver of the cluster shares, so a token from one
 * node is accepted by the others), carrying {@code iss}, {@code sub = system:serviceaccount:<ns>:<name>},
 * {@code aud}, {@code iat}/{@code nbf}/{@code exp}, {@code jti} and kube's private claim
 * {@code kubernetes.io: {namespace, serviceaccount: {name, uid}}}. The key id {@code kid} is the base64url
 * SHA-256 of the public key, as kube computes it.
 */
public final class ServiceAccountTokens {
  /** kube-apiserver's default issuer (and default API audience) in a kubeadm cluster. */
  public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  private static final String ALG = "ES256";
  private static final String JCA_ALG = "SHA256withECDSAinP1363Format";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** The service account a valid token names. */
  public record Claims(String namespace, String name, String uid, String tokenId, Instant expiration) {}

  /** A freshly signed token and when it expires. */
  public record Issued(String token, Instant expiration) {}

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String issuer;
  private final String keyId;
  private final Clock clock;

  /** @param privateKey an EC P-256 key; @param publicKey its public half (verification) */
  public ServiceAccountTokens(PrivateKey privateKey, PublicKey publicKey, String issuer, Clock clock) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    if (!privateKey.getAlgorithm().equals("EC")) {
      throw new IllegalArgumentException("service-account tokens are signed with ES256: an EC key is needed, not "
          + privateKey.getAlgorithm());
    }
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.keyId = B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }

  /** The issuer, which is also the audience the apiserver accepts tokens for. */
  public String issuer() {
    return issuer;
  }

  /** Signs a token for the service account, valid from now for {@code seconds}. */
  public Issued issue(String namespace, String name, String uid, List<String> audiences, long seconds) {
    Instant now = clock.instant();
    Instant exp = now.plusSeconds(seconds);
    ObjectNode header = MAPPER.createObjectNode().put("alg", ALG).put("kid", keyId);
    ObjectNode claims = MAPPER.createObjectNode();
    audiences.forEach(claims.putArray("aud")::add);
    claims.put("exp", exp.getEpochSecond()).put("iat", now.getEpochSecond()).put("iss", issuer)
        .put("jti", UUID.randomUUID().toString());
    ObjectNode k8s = claims.putObject("kubernetes.io");
    k8s.put("namespace", namespace);
    k8s.putObject("serviceaccount").put("name", name).put("uid", uid);
    claims.put("nbf", now.getEpochSecond()).put("sub", "system:serviceaccount:" + namespace + ":" + name);
    String signingInput = part(header) + "." + part(claims);
    try {
      Signature s = Signature.getInstance(JCA_ALG);
      s.initSign(privateKey);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return new Issued(signingInput + "." + B64.encodeToString(s.sign()), exp);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a service-account token", e);
    }
  }

  /**
   * The claims of {@code token} if this apiserver signed it, it is valid now ({@code nbf ≤ now < exp}, with no
   * leeway for expiry) and one of its audiences is the issuer; empty for anything else (another kind of bearer
   * token, a forged or expired one).
   */
  public Optional<Claims> verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = MAPPER.readTree(B64D.decode(parts[0]));
      if (!ALG.equals(header.path("alg").asText()) || !keyId.equals(header.path("kid").asText(keyId))) {
        return Optional.empty();
      }
      Signature s = Signature.getInstance(JCA_ALG);
      s.initVerify(publicKey);
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!s.verify(B64D.decode(parts[2]))) {
        return Optional.empty();
      }
      JsonNode c = MAPPER.readTree(B64D.decode(parts[1]));
      long now = clock.instant().getEpochSecond();
      if (!issuer.equals(c.path("iss").asText()) || !c.path("exp").canConvertToLong()
          || now >= c.path("exp").asLong() || now < c.path("nbf").asLong(0)) {
        return Optional.empty();
      }
      List<String> aud = new ArrayList<>();
      c.path("aud").forEach(a -> aud.add(a.asText()));
      if (c.path("aud").isTextual()) {
        aud.add(c.path("aud").asText());
      }
      if (!aud.contains(issuer)) {
        return Optional.empty();
      }
      JsonNode k8s = c.path("kubernetes.io");
      String namespace = k8s.path("namespace").asText("");
      String name = k8s.path("serviceaccount").path("name").asText("");
      if (namespace.isEmpty() || name.isEmpty()
          || !c.path("sub").asText().equals("system:serviceaccount:" + namespace + ":" + name)) {
        return Optional.empty();
      }
      return Optional.of(new Claims(namespace, name, k8s.path("serviceaccount").path("uid").asText(""),
          c.path("jti").asText(""), Instant.ofEpochSecond(c.path("exp").asLong())));
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /** The user a service account's token authenticates as (kube's serviceaccount.UserInfo). */
  public static UserInfo user(String namespace, String name, String uid) {
    return new UserInfo("system:serviceaccount:" + namespace + ":" + name, uid, List.of("system:serviceaccounts",
        "system:serviceaccounts:" + namespace, "system:authenticated"));
  }

  private static String part(ObjectNode node) {
    try {
      return B64.encodeToString(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
