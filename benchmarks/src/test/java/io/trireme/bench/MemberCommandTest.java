package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemberCommandTest {
  private final MemberCommand.Member member =
      new MemberCommand.Member("m2", 0x230311e988b24d01L, "127.0.0.2:2379", 2);

  @Test
  void render_replacesEveryPlaceholder() {
    MemberCommand c = new MemberCommand("kill -9 $(cat d/{name}.pid) # {id} {endpoint} {host} {port} node{index}");

    assertThat(c.render(member))
        .isEqualTo("kill -9 $(cat d/m2.pid) # 230311e988b24d01 127.0.0.2:2379 127.0.0.2 2379 node2");
  }

  @Test
  void render_unknownPlaceholder_isAnError() {
    assertThatThrownBy(() -> new MemberCommand("kill {pid}").render(member))
        .hasMessageContaining("unknown placeholder {pid}");
  }

  @Test
  void render_leavesShellBracesAlone() {
    assertThat(new MemberCommand("echo ${HOME} {name}").render(member)).isEqualTo("echo ${HOME} m2");
  }
}
