package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.CachedEvent.WatchEvent;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A client watch's bounded queue: order, namespace filter, a client that stops reading, errors. */
class CacheWatcherTest {
  /** A client connection that can stop taking data; resumes when told. */
  private static final class Client implements WatchSink {
    final List<String> got = new ArrayList<>();
    boolean writable = true;
    boolean aborted;
    boolean ended;
    Runnable resume;

    @Override
    public void event(String type, ObjectNode object) {
      got.add(type + " " + Meta.name(object));
    }

    @Override
    public void error(ApiException e) {
      got.add("ERROR " + e.code());
      ended = true;
    }

    @Override
    public void end() {
      ended = true;
    }

    @Override
    public boolean writable() {
      return writable;
    }

    @Override
    public void onWritable(Runnable r) {
      resume = r;
    }

    @Override
    public void abort() {
      aborted = true;
    }

    void drained() {
      writable = true;
      Runnable r = resume;
      resume = null;
      r.run();
    }
  }

  private final AtomicInteger closed = new AtomicInteger();

  private CacheWatcher watcher(Client c, int capacity) {
    return new CacheWatcher("/registry/configmaps/ns1/", o -> true, true, c, Runnable::run, capacity,
        w -> closed.incrementAndGet());
  }

  private static CachedEvent put(String ns, String name, long rev) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("metadata").put("name", name).put("namespace", ns);
    return new CachedEvent("/registry/configmaps/" + ns + "/" + name, rev, o, null);
  }

  @Test
  void initialEvents_comeFirst_thenChangesOfItsNamespaceInOrder() {
    Client c = new Client();
    CacheWatcher w = watcher(c, 10);
    ObjectNode first = put("ns1", "old", 1).object();
    w.begin(List.of(new WatchEvent("ADDED", first, 1)));
    w.offer(put("ns1", "a", 2));
    w.offer(put("ns2", "other", 3));
    w.offer(put("ns1", "b", 4));
    assertThat(c.got).containsExactly("ADDED old", "ADDED a", "ADDED b");
  }

  @Test
  void clientThatStopsReading_isHeldBack_thenResumes() {
    Client c = new Client();
    CacheWatcher w = watcher(c, 3);
    w.begin(List.of());
    c.writable = false;
    w.offer(put("ns1", "a", 2));
    w.offer(put("ns1", "b", 3));
    assertThat(c.got).isEmpty();
    c.drained();
    assertThat(c.got).containsExactly("ADDED a", "ADDED b");
    assertThat(c.aborted).isFalse();
  }

  @Test
  void clientTooFarBehind_isClosed_notBuffered() {
    Client c = new Client();
    CacheWatcher w = watcher(c, 3);
    w.begin(List.of());
    c.writable = false;
    for (int i = 0; i < 3; i++) {
      w.offer(put("ns1", "e" + i, 2 + i));
    }
    assertThat(c.aborted).isFalse();
    w.bookmark(new WatchEvent("BOOKMARK", put("ns1", "bm", 9).object(), 9));
    assertThat(c.aborted).as("a bookmark that does not fit is skipped").isFalse();
    w.offer(put("ns1", "e3", 10));
    assertThat(c.aborted).isTrue();
    assertThat(closed).hasValue(1);
    assertThat(w.closed()).isTrue();
    w.offer(put("ns1", "e4", 11));
    assertThat(c.got).isEmpty();
  }

  @Test
  void failure_dropsWhatIsQueued_andSendsTheError() {
    Client c = new Client();
    CacheWatcher w = watcher(c, 10);
    w.begin(List.of());
    c.writable = false;
    w.offer(put("ns1", "a", 2));
    w.fail(ApiException.expired("too old resource version"));
    assertThat(c.got).containsExactly("ERROR 410");
    assertThat(c.ended).isTrue();
    assertThat(closed).hasValue(1);
  }

  @Test
  void timeout_endsTheWatchNormally() {
    Client c = new Client();
    CacheWatcher w = watcher(c, 10);
    w.begin(List.of());
    w.end();
    assertThat(c.ended).isTrue();
    assertThat(c.got).isEmpty();
  }
}
