package io.trireme.store.watch;

import static io.trireme.store.watch.FakeEventSource.bs;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.WatchResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WatchHub vs etcd 3.4 (UNCOMMITTED: fails until WatchHub.compacted is fixed; see the report). */
class WatchEtcdParityTest {

  /** etcd 3.4 answers a compacted start with header.revision 0 and no cancel_reason (seen in EtcdDifferentialIT). */
  @Test
  void compactedStart_canceledResponseIsEtcds() {
    FakeEventSource source = new FakeEventSource();
    try (WatchHub hub = new WatchHub(source, Duration.ofMinutes(10), 10, "parity")) {
      source.attach(hub);
      for (int i = 0; i < 5; i++) source.commit(List.of("a"), List.of());
      source.compact(4);
      RecordingSink sink = new RecordingSink();
      hub.create(sink, 0, bs("a"), bs(""), 2, false, false, false, false);
      WatchResponse canceled = sink.responses().get(1);
      assertThat(canceled.getHeader().getRevision()).isZero();
      assertThat(canceled.getCancelReason()).isEmpty();
      assertThat(canceled.getCompactRevision()).isEqualTo(4);
    }
  }
}
