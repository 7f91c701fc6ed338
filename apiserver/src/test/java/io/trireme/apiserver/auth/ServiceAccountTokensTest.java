package io.trireme.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.Pki;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ISS = ServiceAccountTokens.DEFAULT_ISSUER;

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovableClock clock = new MovableClock();
  private final CertifiedKey ca = new Pki(Clock.systemUTC()).newCa("test-ca", Duration.ofDays(1));
  private final ServiceAccountTokens tokens = new ServiceAccountTokens(ca.privateKey(),
      ca.certificate().getPublicKey(), ISS, clock);

  @Test
  void verify_validUntilExpiry_thenRejected() {
    String t = tokens.issue("ns1", "builder", "uid-1", List.of(ISS), 600).token();
    ServiceAccountTokens.Claims c = tokens.verify(t).orElseThrow();
    assertThat(c).extracting("namespace", "name", "uid", "expiration")
        .containsExactly("ns1", "builder", "uid-1", T0.plusSeconds(600));
    clock.now = T0.plusSeconds(599);
    assertThat(tokens.verify(t)).isPresent();
    clock.now = T0.plusSeconds(600);
    assertThat(tokens.verify(t)).isEmpty();
  }

  @Test
  void verify_otherKeyTamperedOrForeignAudience_rejected() {
    CertifiedKey other = new Pki(Clock.systemUTC()).newCa("other-ca", Duration.ofDays(1));
    ServiceAccountTokens foreign = new ServiceAccountTokens(other.privateKey(), other.certificate().getPublicKey(),
        ISS, clock);
    assertThat(tokens.verify(foreign.issue("ns1", "a", "u", List.of(ISS), 600).token())).isEmpty();

    String t = tokens.issue("ns1", "a", "u", List.of(ISS), 600).token();
    String[] p = t.split("\\.");
    String lastSigChar = p[2].substring(p[2].length() - 2, p[2].length() - 1);
    String flipped = p[2].substring(0, p[2].length() - 2) + (lastSigChar.equals("A") ? "B" : "A")
        + p[2].substring(p[2].length() - 1);
    assertThat(tokens.verify(p[0] + "." + p[1] + "." + flipped)).isEmpty();
    assertThat(tokens.verify(p[0] + "." + p[1] + ".")).isEmpty();
    assertThat(tokens.verify("not-a-jwt")).isEmpty();

    assertThat(tokens.verify(tokens.issue("ns1", "a", "u", List.of("vault"), 600).token())).isEmpty();
    assertThat(tokens.verify(tokens.issue("ns1", "a", "u", List.of("vault", ISS), 600).token())).isPresent();
  }

  @Test
  void user_isTheServiceAccountWithItsGroups() {
    assertThat(ServiceAccountTokens.user("ns1", "builder", "uid-1")).isEqualTo(new UserInfo(
        "system:serviceaccount:ns1:builder", "uid-1", List.of("system:serviceaccounts", "system:serviceaccounts:ns1",
            "system:authenticated")));
  }
}
