package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.CachedEvent.WatchEvent;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** How one cached change looks to watches with different selectors (kube's selector transitions). */
class CachedEventTest {
  private static final String KEY = "/registry/pods/default/p";

  private static ObjectNode pod(String app) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("metadata").put("name", "p").put("namespace", "default").putObject("labels").put("app", app);
    return o;
  }

  private static Predicate<ObjectNode> selector(String s) {
    LabelSelector l = LabelSelector.parse(s);
    return o -> l.matches(Meta.labels(o));
  }

  private static String type(CachedEvent e, String selector) {
    WatchEvent v = e.visibleTo(selector(selector));
    return v == null ? null : v.type();
  }

  @Test
  void creation_isAdded_whenItMatches() {
    CachedEvent e = new CachedEvent(KEY, 5, pod("web"), null);
    assertThat(type(e, "app=web")).isEqualTo("ADDED");
    assertThat(type(e, "app=db")).isNull();
    assertThat(type(e, "")).isEqualTo("ADDED");
  }

  @Test
  void update_isModified_orASelectorTransition() {
    CachedEvent e = new CachedEvent(KEY, 6, pod("db"), pod("web"));
    assertThat(type(e, "")).isEqualTo("MODIFIED");
    assertThat(type(e, "app=web")).as("left the selection").isEqualTo("DELETED");
    assertThat(type(e, "app=db")).as("entered the selection").isEqualTo("ADDED");
    assertThat(type(e, "app=cache")).isNull();
    assertThat(e.visibleTo(selector("app=web")).object().path("metadata").path("labels").path("app").asText())
        .as("the object leaving the selection is its new state").isEqualTo("db");
  }

  @Test
  void deletion_isDeleted_withTheLastState_onlyForWatchesThatSawIt() {
    CachedEvent e = new CachedEvent(KEY, 7, null, pod("web"));
    assertThat(type(e, "app=web")).isEqualTo("DELETED");
    assertThat(type(e, "app=db")).isNull();
    assertThat(e.visibleTo(selector("")).revision()).isEqualTo(7);
  }

  @Test
  void json_isEncodedOnce_forEveryWatcher() {
    CachedEvent e = new CachedEvent(KEY, 6, pod("db"), pod("web"));
    byte[] modified = e.visibleTo(selector("")).json().get();
    byte[] added = e.visibleTo(selector("app=db")).json().get();
    assertThat(added).as("one encoding shared by the watchers of the change").isSameAs(modified);
    assertThat(new String(modified, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(io.trireme.apiserver.codec.Json.string(pod("db")));
    assertThat(e.visibleTo(selector("app=web")).json().get()).as("the object leaving is its new state")
        .isSameAs(modified);
  }
}
