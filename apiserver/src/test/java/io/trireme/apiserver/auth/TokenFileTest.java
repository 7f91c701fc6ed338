package io.trireme.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenFileTest {
  @Test
  void csvWithQuotedGroups_isParsed() {
    TokenFile f = TokenFile.parse("# comment\nsecret1,alice,u1,\"dev,ops\"\nsecret2,bob,u2\n", "test");
    UserInfo alice = f.user("secret1").orElseThrow();
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.uid()).isEqualTo("u1");
    assertThat(alice.groups()).containsExactly("dev", "ops", "system:authenticated");
    assertThat(f.user("secret2").orElseThrow().groups()).containsExactly("system:authenticated");
    assertThat(f.user("nope")).isEmpty();
  }

  @Test
  void shortLine_isRejectedWithItsLineNumber() {
    assertThatThrownBy(() -> TokenFile.parse("ok,a,1\nbroken\n", "tokens.csv"))
        .hasMessageContaining("tokens.csv:2");
  }
}
