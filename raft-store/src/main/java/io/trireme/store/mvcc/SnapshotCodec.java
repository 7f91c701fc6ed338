package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Writes and reads the whole store (every retained version, the revision counters, the leases). The
 * event history is rebuilt from the versions on load. The caller adds the checksum (Ratis keeps an MD5
 * beside each snapshot file) and the applied term-index (in the file name).
 */
public final class SnapshotCodec {
  private static final int MAGIC = 0x54524d31; // "TRM1"

  private SnapshotCodec() {}

  public static void write(MvccStore store, DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeLong(store.revision());
    out.writeLong(store.compactRevision());
    out.writeInt(store.leases().all().size());
    for (LeaseTable.Lease l : store.leases().all()) {
      out.writeLong(l.id());
      out.writeLong(l.ttl());
    }
    out.writeInt(store.index().size());
    for (Map.Entry<ByteString, KeyHistory> e : store.index().entrySet()) {
      out.writeInt(e.getValue().revisions().size());
      for (Revision r : e.getValue().revisions()) {
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
