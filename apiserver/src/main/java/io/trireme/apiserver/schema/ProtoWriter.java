package io.trireme.apiserver.schema;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protobuf wire-format writer (length-delimited fields and varints) for hand-encoded messages. */
final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtoWriter string(int field, String value) {
    if (value != null && !value.isEmpty()) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  ProtoWriter message(int field, ProtoWriter value) {
    bytes(field, value.toByteArray());
    return this;
  }

  ProtoWriter bool(int field, boolean value) {
    if (value) {
      varint((long) field << 3);
      varint(1);
    }
    return this;
  }

  private void bytes(int field, byte[] data) {
    varint((long) field << 3 | 2);
    varint(data.length);
    out.write(data, 0, data.length);
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
