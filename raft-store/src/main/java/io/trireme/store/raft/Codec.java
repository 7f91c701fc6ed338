package io.trireme.store.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.trireme.store.mvcc.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.Message;

/**
 * The bytes of store commands and replies inside Ratis messages: a command is one {@link Op} byte and
 * the etcd request message; a reply is 0 + the etcd response message, or 1 + an error kind + text. A batch
 * is {@link Op#BATCH} + (4-byte length, command)*, and its reply is (4-byte length, reply)* in the same order.
 */
public final class Codec {
  private static final byte OK = 0;
  private static final byte ERR = 1;

  private Codec() {}

  public static Message command(Op op, MessageLite request) {
    return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations
        .unsafeWrap(commandBytes(op, request)));
  }

  static byte[] commandBytes(Op op, MessageLite request) {
    byte[] body = request.toByteArray();
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) op.ordinal();
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** One command carrying {@code commands} (each one op byte + request), applied in this order. */
  static byte[] batch(List<byte[]> commands) {
    int size = 1;
    for (byte[] c : commands) size += 4 + c.length;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) Op.BATCH.ordinal());
    for (byte[] c : commands) out.putInt(c.length).put(c);
    return out.array();
  }

  /** The commands of a batch command (as written by {@link #batch}), or of its reply. */
  static List<byte[]> unbatch(byte[] data, int offset) {
    ByteBuffer in = ByteBuffer.wrap(data, offset, data.length - offset);
    List<byte[]> parts = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] part = new byte[in.getInt()];
      in.get(part);
      parts.add(part);
    }
    return parts;
  }

  /** The reply to a batch: the replies of its commands in order. */
  static Message batchReply(List<Message> replies) {
    List<byte[]> parts = new ArrayList<>(replies.size());
    for (Message r : replies) parts.add(r.getContent().toByteArray());
    return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations
        .unsafeWrap(replies(parts)));
  }

  /** The bytes of a batch reply made of {@code replies} (each as {@link #ok} or {@link #error} made it). */
  static byte[] replies(List<byte[]> replies) {
    byte[] framed = batch(replies);
    return java.util.Arrays.copyOfRange(framed, 1, framed.length);
  }

  static Message ok(MessageLite response) {
    byte[] body = response.toByteArray();
    byte[] out = new byte[body.length + 1];
    out[0] = OK;
    System.arraycopy(body, 0, out, 1, body.length);
    return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(out));
  }

  static Message error(StoreException e) {
    byte[] text = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[text.length + 2];
    out[0] = ERR;
    out[1] = (byte) e.kind().ordinal();
    System.arraycopy(text, 0, out, 2, text.length);
    return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(out));
  }

  /** The response bytes of a reply, or the StoreException it carries. */
  public static ByteString reply(org.apache.ratis.thirdparty.com.google.protobuf.ByteString content) {
    return reply(content.toByteArray());
  }

  static ByteString reply(byte[] b) {
    if (b.length == 0) throw new StoreException(StoreException.Kind.CORRUPT, "empty store reply");
    if (b[0] == OK) return ByteString.copyFrom(b, 1, b.length - 1);
    StoreException.Kind kind = StoreException.Kind.values()[b[1]];
    throw new StoreException(kind, new String(b, 2, b.length - 2, StandardCharsets.UTF_8));
  }
}
