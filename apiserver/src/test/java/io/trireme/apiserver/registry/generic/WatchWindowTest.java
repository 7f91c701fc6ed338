package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchWindowTest {
  private static CachedEvent put(String name, long rev) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("metadata").put("name", name).put("resourceVersion", Long.toString(rev));
    return new CachedEvent("/registry/configmaps/default/" + name, rev, o, null);
  }

  private static List<Long> revisions(List<CachedEvent> events) {
    return events.stream().map(CachedEvent::revision).toList();
  }

  @Test
  void since_returnsTheChangesAfterTheRevision_inOrder() {
    WatchWindow w = new WatchWindow(10, 100);
    for (long r = 101; r <= 105; r++) {
      w.add(put("a" + r, r));
    }
    assertThat(revisions(w.since(100))).containsExactly(101L, 102L, 103L, 104L, 105L);
    assertThat(revisions(w.since(103))).containsExactly(104L, 105L);
    assertThat(w.since(105)).isEmpty();
    assertThat(w.since(200)).isEmpty();
  }

  @Test
  void since_beforeTheListRevision_isTooOld() {
    WatchWindow w = new WatchWindow(10, 100);
    w.add(put("a", 101));
    assertThat(w.since(99)).isNull();
    assertThat(w.floor()).isEqualTo(100);
  }

  @Test
  void full_dropsTheOldest_andRaisesTheFloorToIt() {
    WatchWindow w = new WatchWindow(3, 10);
    for (long r = 11; r <= 15; r++) {
      w.add(put("a" + r, r));
    }
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.floor()).isEqualTo(12);
    assertThat(w.since(11)).as("13 needs 12, which has left").isNull();
    assertThat(revisions(w.since(12))).containsExactly(13L, 14L, 15L);
    assertThat(w.newestRevision()).hasValue(15);
  }

  @Test
  void oneRevisionChangingSeveralKeys_isKeptTogether_andAPartlyDroppedRevisionIsNotReplayed() {
    WatchWindow w = new WatchWindow(3, 10);
    w.add(put("a", 11));
    w.add(put("b", 12));
    w.add(put("c", 12));
    assertThat(revisions(w.since(11))).containsExactly(12L, 12L);
    w.add(put("d", 12));
    assertThat(w.floor()).isEqualTo(11);
    w.add(put("e", 13));
    assertThat(w.floor()).as("one change of revision 12 has left").isEqualTo(12);
    assertThat(w.since(11)).isNull();
    assertThat(revisions(w.since(12))).containsExactly(13L);
  }

  @Test
  void revisionsGoingBackwards_areRefused() {
    WatchWindow w = new WatchWindow(3, 10);
    w.add(put("a", 12));
    assertThatThrownBy(() -> w.add(put("b", 11))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WatchWindow(3, 10).add(put("b", 9))).isInstanceOf(IllegalArgumentException.class);
  }
}
