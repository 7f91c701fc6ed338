package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Writes and reads the whole store (every retained version, the revision counters, the leases). The
 * event history is rebuilt from the versions on load. The caller adds the checksum (Ratis keeps an MD5
 * beside each snapshot file) and the applied term-index (in the file name).
 */
public final class SnapshotCodec {
  private static final int MAGIC = 0x54524d31; // "TRM1"

  private SnapshotCodec() {}

  /**
   * The store's content at one moment, held without copying a version: versions are immutable, so only the lists
   * that hold them are copied. Taking it costs a walk over the keys; writing it may then happen on another thread
   * while the store changes.
   */
  public record Image(long revision, long compactRevision, long[][] leases, Revision[][] versions) {
    public int keyCount() {
      return versions.length;
    }
  }

  /** Captures {@code store}; the caller keeps writers out meanwhile. */
  public static Image capture(MvccStore store) {
    List<LeaseTable.Lease> all = List.copyOf(store.leases().all());
    long[][] leases = new long[all.size()][];
    for (int i = 0; i < leases.length; i++) leases[i] = new long[] {all.get(i).id(), all.get(i).ttl()};
    Revision[][] versions = new Revision[store.index().size()][];
    int i = 0;
    for (KeyHistory h : store.index().values()) versions[i++] = h.revisions().toArray(new Revision[0]);
    return new Image(store.revision(), store.compactRevision(), leases, versions);
  }

  public static void write(MvccStore store, DataOutputStream out) throws IOException {
    write(capture(store), out);
  }

  public static void write(Image image, DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeLong(image.revision());
    out.writeLong(image.compactRevision());
    out.writeInt(image.leases().length);
    for (long[] l : image.leases()) {
      out.writeLong(l[0]);
      out.writeLong(l[1]);
    }
    out.writeInt(image.versions().length);
    for (Revision[] history : image.versions()) {
      out.writeInt(history.length);
      for (Revision r : history) {
        out.writeLong(r.main());
        out.writeInt(r.sub());
        out.writeBoolean(r.tombstone());
        byte[] kv = r.kv().toByteArray();
        out.writeInt(kv.length);
        out.write(kv);
      }
    }
    out.writeInt(MAGIC);
  }

  public static void read(MvccStore store, DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) throw new IOException("not a trireme store snapshot");
    store.clear();
    long revision = in.readLong();
    long compactRevision = in.readLong();
    int leases = in.readInt();
    for (int i = 0; i < leases; i++) {
      store.leases().grant(in.readLong(), in.readLong());
    }
    int keys = in.readInt();
    for (int i = 0; i < keys; i++) {
      int n = in.readInt();
      for (int j = 0; j < n; j++) {
        long main = in.readLong();
        int sub = in.readInt();
        boolean tomb = in.readBoolean();
        byte[] buf = new byte[in.readInt()];
        in.readFully(buf);
        KeyValue kv = KeyValue.parseFrom(buf);
        store.record(kv.getKey(), new Revision(main, sub, kv, tomb));
      }
    }
    if (in.readInt() != MAGIC) throw new IOException("truncated trireme store snapshot");
    store.restore(revision, compactRevision);
  }
}
