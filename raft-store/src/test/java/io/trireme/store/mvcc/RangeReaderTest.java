package io.trireme.store.mvcc;

import static io.trireme.store.mvcc.Requests.bs;
import static io.trireme.store.mvcc.Requests.delete;
import static io.trireme.store.mvcc.Requests.keys;
import static io.trireme.store.mvcc.Requests.put;
import static io.trireme.store.mvcc.Requests.range;
import static io.trireme.store.mvcc.Requests.rangeReq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeRequest.SortOrder;
import io.etcd.jetcd.api.RangeRequest.SortTarget;
import io.etcd.jetcd.api.RangeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd's Range options over a small history (limit, count/keys only, sort, filters, revisions, intervals). */
class RangeReaderTest {
  private final MvccStore store = new MvccStore();

  /**
   * a: value x5, version 1, create 4, mod 4; b: x2, 3, 3, 7; c: x7, 2, 2, 5 — every sort target orders
   * the three keys differently.
   */
  private void threeKeys() {
    put(store, "c", "x1"); // 2
    put(store, "b", "x9"); // 3
    put(store, "a", "x5"); // 4
    put(store, "c", "x7"); // 5
    put(store, "b", "x3"); // 6
    put(store, "b", "x2"); // 7
  }

  static Stream<Arguments> sorts() {
    return Stream.of(
        Arguments.of(SortTarget.KEY, SortOrder.NONE, List.of("a", "b", "c")),
        Arguments.of(SortTarget.KEY, SortOrder.ASCEND, List.of("a", "b", "c")),
        Arguments.of(SortTarget.KEY, SortOrder.DESCEND, List.of("c", "b", "a")),
        Arguments.of(SortTarget.VERSION, SortOrder.NONE, List.of("a", "c", "b")),
        Arguments.of(SortTarget.VERSION, SortOrder.ASCEND, List.of("a", "c", "b")),
        Arguments.of(SortTarget.VERSION, SortOrder.DESCEND, List.of("b", "c", "a")),
        Arguments.of(SortTarget.CREATE, SortOrder.NONE, List.of("c", "b", "a")),
        Arguments.of(SortTarget.CREATE, SortOrder.ASCEND, List.of("c", "b", "a")),
        Arguments.of(SortTarget.CREATE, SortOrder.DESCEND, List.of("a", "b", "c")),
        Arguments.of(SortTarget.MOD, SortOrder.NONE, List.of("a", "c", "b")),
        Arguments.of(SortTarget.MOD, SortOrder.ASCEND, List.of("a", "c", "b")),
        Arguments.of(SortTarget.MOD, SortOrder.DESCEND, List.of("b", "c", "a")),
        Arguments.of(SortTarget.VALUE, SortOrder.NONE, List.of("b", "a", "c")),
        Arguments.of(SortTarget.VALUE, SortOrder.ASCEND, List.of("b", "a", "c")),
        Arguments.of(SortTarget.VALUE, SortOrder.DESCEND, List.of("c", "a", "b")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sorts")
  void range_sort_ordersByTargetAndOrder(SortTarget target, SortOrder order, List<String> expected) {
    threeKeys();
    RangeResponse r = range(store, rangeReq("a", "z").setSortTarget(target).setSortOrder(order));
    assertThat(keys(r)).isEqualTo(expected);
    assertThat(r.getCount()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sorts")
  void range_sortWithLimit_sortsEverythingThenTruncates(SortTarget target, SortOrder order, List<String> expected) {
    threeKeys();
    RangeResponse r = range(store, rangeReq("a", "z").setSortTarget(target).setSortOrder(order).setLimit(2));
    assertThat(keys(r)).isEqualTo(expected.subList(0, 2));
    assertThat(r.getMore()).isTrue();
    assertThat(r.getCount()).isEqualTo(3);
  }

  @Test
  void range_sortTies_keepKeyOrderAscendingAndReversedDescending() {
    put(store, "a", "same");
    put(store, "b", "same");
    put(store, "c", "other");
    assertThat(keys(range(store, rangeReq("a", "z").setSortTarget(SortTarget.VERSION)))).containsExactly("a", "b", "c");
    assertThat(keys(range(store, rangeReq("a", "z").setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND))))
        .containsExactly("a", "b", "c");
  }

  @Test
  void range_singleKey_prefix_fromKey_all() {
    put(store, "a", "1");
    put(store, "ab", "2");
    put(store, "b", "3");
    put(store, "\u00ff", "4");
    assertThat(keys(range(store, RangeRequest.newBuilder().setKey(bs("a"))))).containsExactly("a");
    assertThat(keys(range(store, rangeReq("a", "b")))).containsExactly("a", "ab");
    assertThat(keys(range(store, rangeReq("ab", "\0")))).containsExactly("ab", "b", "\u00ff");
    assertThat(keys(range(store, rangeReq("\0", "\0")))).containsExactly("a", "ab", "b", "\u00ff");
    assertThat(keys(range(store, rangeReq("b", "a")))).isEmpty();
    assertThat(keys(range(store, rangeReq("b", "b")))).isEmpty();
    assertThat(keys(range(store, RangeRequest.newBuilder().setKey(bs("zz"))))).isEmpty();
  }

  @Test
  void range_keysAreOrderedAsUnsignedBytes() {
    put(store, "\u0080", "hi");   // UTF-8 0xC2 0x80
    put(store, "z", "lo");
    assertThat(keys(range(store, rangeReq("\0", "\0")))).containsExactly("z", "\u0080");
  }

  @Test
  void range_limit_setsMore_countIsTheTotal() {
    for (int i = 0; i < 5; i++) put(store, "k" + i, "v");
    RangeResponse r = range(store, rangeReq("k", "l").setLimit(2));
    assertThat(keys(r)).containsExactly("k0", "k1");
    assertThat(r.getMore()).isTrue();
    assertThat(r.getCount()).isEqualTo(5);
    RangeResponse exact = range(store, rangeReq("k", "l").setLimit(5));
    assertThat(exact.getMore()).isFalse();
    assertThat(exact.getKvsCount()).isEqualTo(5);
    RangeResponse over = range(store, rangeReq("k", "l").setLimit(50));
    assertThat(over.getMore()).isFalse();
    RangeResponse negative = range(store, rangeReq("k", "l").setLimit(-1));
    assertThat(negative.getKvsCount()).isEqualTo(5);
  }

  @Test
  void range_countOnly_returnsNoPairs() {
    for (int i = 0; i < 3; i++) put(store, "k" + i, "v");
    RangeResponse r = range(store, rangeReq("k", "l").setCountOnly(true));
    assertThat(r.getKvsList()).isEmpty();
    assertThat(r.getCount()).isEqualTo(3);
    assertThat(r.getMore()).isFalse();
    RangeResponse limited = range(store, rangeReq("k", "l").setCountOnly(true).setLimit(1));
    assertThat(limited.getCount()).isEqualTo(3);
    assertThat(limited.getKvsList()).isEmpty();
  }

  @Test
  void range_keysOnly_dropsValues_keepsMetadata() {
    put(store, "a", "1");
    RangeResponse r = range(store, rangeReq("a", "b").setKeysOnly(true));
    assertThat(r.getKvs(0).getValue().isEmpty()).isTrue();
    assertThat(r.getKvs(0).getModRevision()).isEqualTo(2);
    assertThat(r.getKvs(0).getVersion()).isEqualTo(1);
  }

  @Test
  void range_minMaxFilters_filterPairs_countIsBeforeFiltering() {
    threeKeys(); // mod: a 4, c 5, b 7; create: c 2, b 3, a 4
    assertThat(keys(range(store, rangeReq("a", "z").setMinModRevision(5)))).containsExactly("b", "c");
    assertThat(keys(range(store, rangeReq("a", "z").setMaxModRevision(5)))).containsExactly("a", "c");
    assertThat(keys(range(store, rangeReq("a", "z").setMinCreateRevision(3)))).containsExactly("a", "b");
    assertThat(keys(range(store, rangeReq("a", "z").setMaxCreateRevision(3)))).containsExactly("b", "c");
    RangeResponse both = range(store, rangeReq("a", "z").setMinModRevision(5).setMaxCreateRevision(2));
    assertThat(keys(both)).containsExactly("c");
    assertThat(both.getCount()).isEqualTo(3);
    RangeResponse limited = range(store, rangeReq("a", "z").setMinModRevision(5).setLimit(1));
    assertThat(keys(limited)).containsExactly("b");
    assertThat(limited.getMore()).isTrue();
  }

  @Test
  void range_pastRevision_seesTheOldState_headerIsTheCurrentRevision() {
    put(store, "a", "1"); // 2
    put(store, "a", "2"); // 3
    delete(store, "a", "", false); // 4
    put(store, "b", "1"); // 5
    List<String> seen = new ArrayList<>();
    for (long rev = 1; rev <= 5; rev++) {
      RangeResponse r = range(store, rangeReq("a", "c").setRevision(rev));
      assertThat(r.getHeader().getRevision()).isEqualTo(5);
      seen.add(rev + ":" + String.join(",", r.getKvsList().stream()
          .map(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8() + "@" + kv.getVersion()).toList()));
    }
    assertThat(seen).containsExactly("1:", "2:a=1@1", "3:a=2@2", "4:", "5:b=1@1");
  }

  @Test
  void range_futureRevision_failsFutureRev() {
    put(store, "a", "1");
    assertThatThrownBy(() -> range(store, rangeReq("a", "").setRevision(3)))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.FUTURE_REV));
    assertThat(range(store, rangeReq("a", "").setRevision(2)).getCount()).isEqualTo(1);
  }

  @Test
  void range_emptyKey_failsEmptyKey() {
    assertThatThrownBy(() -> range(store, rangeReq("", "")))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.EMPTY_KEY));
  }

  @Test
  void range_unknownSortOrder_failsInvalidSortOption() {
    assertThatThrownBy(() -> range(store, rangeReq("a", "").setSortOrderValue(7)))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.INVALID_SORT_OPTION));
  }
}
