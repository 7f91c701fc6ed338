package io.trireme.store.mvcc;

import java.util.ArrayList;
import java.util.List;

/** The retained versions of one key, oldest first (etcd's keyIndex, flattened). */
final class KeyHistory {
  private final ArrayList<Revision> revisions = new ArrayList<>(2);

  void add(Revision r) {
    revisions.add(r);
  }

  Revision latest() {
    return revisions.get(revisions.size() - 1);
  }

  /** The newest version written at or before {@code rev}, or null. */
  Revision at(long rev) {
    Revision last = latest();
    if (last.main() <= rev) return last;
    int lo = 0;
    int hi = revisions.size() - 1;
    Revision found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Revision r = revisions.get(mid);
      if (r.main() <= rev) {
        found = r;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The version before {@code r} in this history, or null. */
  Revision before(Revision r) {
    int i = revisions.lastIndexOf(r);
    return i > 0 ? revisions.get(i - 1) : null;
  }

  /**
   * Drops every version that no read at or after {@code rev} can see: all versions older than the newest
   * one at or before {@code rev}, and that one too if it is a tombstone written before {@code rev}.
   *
   * @return true when nothing is left
   */
  boolean compact(long rev) {
    int keep = -1;
    for (int i = revisions.size() - 1; i >= 0; i--) {
      if (revisions.get(i).main() <= rev) {
        keep = i;
        break;
      }
    }
    if (keep < 0) return revisions.isEmpty();
    Revision r = revisions.get(keep);
    // a version written exactly at rev keeps its predecessor too, so watch events at rev keep prev_kv
    int from = (r.tombstone() && r.main() < rev) ? keep + 1 : (r.main() == rev && keep > 0) ? keep - 1 : keep;
    if (from > 0) revisions.subList(0, from).clear();
    return revisions.isEmpty();
  }

  List<Revision> revisions() {
    return revisions;
  }
}
