package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeleteOptionsTest {
  private static DeleteOptions body(String json) {
    return DeleteOptions.of(Json.object(json.getBytes(StandardCharsets.UTF_8)), null, null);
  }

  private static DeleteOptions policy(String p) {
    return DeleteOptions.of(null, p, null);
  }

  @Test
  void policy_decidesTheGarbageCollectorsFinalizer_andKeepsTheOthersInOrder() {
    List<String> mine = List.of("example.com/a", "example.com/b");
    assertThat(policy("Foreground").finalizersFor(mine)).containsExactly("example.com/a", "example.com/b",
        "foregroundDeletion");
    assertThat(policy("Orphan").finalizersFor(mine)).containsExactly("example.com/a", "example.com/b", "orphan");
    assertThat(policy("Background").finalizersFor(mine)).containsExactly("example.com/a", "example.com/b");
  }

  @Test
  void policy_replacesTheOtherGarbageCollectorFinalizer() {
    assertThat(policy("Orphan").finalizersFor(List.of("foregroundDeletion", "x"))).containsExactly("x", "orphan");
    assertThat(policy("Foreground").finalizersFor(List.of("orphan"))).containsExactly("foregroundDeletion");
    assertThat(policy("Background").finalizersFor(List.of("orphan", "foregroundDeletion"))).isEmpty();
  }

  @Test
  void noOptions_keepWhatTheObjectCarries() {
    assertThat(DeleteOptions.DEFAULT.finalizersFor(List.of("orphan"))).containsExactly("orphan");
    assertThat(DeleteOptions.DEFAULT.finalizersFor(List.of("foregroundDeletion"))).containsExactly(
        "foregroundDeletion");
    assertThat(DeleteOptions.DEFAULT.finalizersFor(List.of())).isEmpty();
  }

  @Test
  void orphanDependents_isTheOldSpelling() {
    assertThat(body("{\"orphanDependents\":true}").finalizersFor(List.of())).containsExactly("orphan");
    assertThat(body("{\"orphanDependents\":false}").finalizersFor(List.of("foregroundDeletion"))).isEmpty();
  }

  @Test
  void unknownPolicy_orBothSpellings_areInvalid() {
    assertThatThrownBy(() -> policy("Sideways")).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.code()).isEqualTo(422);
      assertThat(e.getMessage()).contains("propagationPolicy: Unsupported value: \"Sideways\"");
    });
    assertThatThrownBy(() -> body("{\"orphanDependents\":true,\"propagationPolicy\":\"Orphan\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
            .contains("orphanDependents and deletionPropagation cannot be both set"));
  }
}
