package io.trireme.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.PutRequest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Puts of {@code valueSize}-byte values to {@code /bench/<client>/<n mod keysPerClient>}; client
 * {@code c} uses endpoint {@code c mod endpoints}.
 */
final class PutLoad implements ClosedLoop.ClientOp {
  static final long CALL_DEADLINE_SECONDS = 10;

  private final EtcdChannels channels;
  private final ByteString value;
  private final int keysPerClient;

  PutLoad(EtcdChannels channels, int valueSize, int keysPerClient) {
    this.channels = channels;
    this.value = randomValue(valueSize, 42);
    this.keysPerClient = keysPerClient;
  }

  static ByteString randomValue(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  static ByteString key(String text) {
    return ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }

  @Override
  public void issue(int client, long seq, ClosedLoop.Completion done) {
    PutRequest request = PutRequest.newBuilder()
        .setKey(key("/bench/" + client + "/" + (seq % keysPerClient)))
        .setValue(value)
        .build();
    channels.kv(client)
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .put(request, ClosedLoop.observer(done, r -> r.hasHeader() && r.getHeader().getRevision() > 0));
  }
}
