package io.trireme.hatest;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.StatusRuntimeException;
import io.trireme.node.probe.EtcdEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/** Writes and reads through the etcd v3 API of the nodes, the way an etcd client with several endpoints does. */
final class EtcdWrites {
  private final ContainerCluster cluster;
  private final String prefix;
  private final Duration timeout;
  private int current;

  /**
   * @param prefix keys are {@code <prefix><key>}
   */
  EtcdWrites(ContainerCluster cluster, String prefix, Duration timeout) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.timeout = timeout;
  }

  /**
   * A {@link ClientLoop.Write}: puts through the current endpoint; on any failure the next write goes to the next
   * node (a failed put counts as not acknowledged, whatever happened to it).
   */
  synchronized String put(String key, String value) {
    List<NodeContainer> nodes = cluster.nodes();
    NodeContainer node = nodes.get(current % nodes.size());
    try {
      KVGrpc.newBlockingStub(cluster.etcd(node).channel())
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .put(PutRequest.newBuilder().setKey(bytes(prefix + key)).setValue(bytes(value)).build());
      return null;
    } catch (StatusRuntimeException e) {
      current++;
      return node.name() + ": " + EtcdEndpoint.describe(e);
    }
  }

  /** Every key under {@code prefix} with its value, read from {@code node}'s own copy (a serializable read). */
  static Map<String, String> localCopy(ContainerCluster cluster, NodeContainer node, String prefix) {
    ByteString start = bytes(prefix);
    ByteString end = bytes(prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1));
    RangeResponse r = KVGrpc.newBlockingStub(cluster.etcd(node).channel())
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(start).setRangeEnd(end).setSerializable(true).build());
    Map<String, String> out = new TreeMap<>();
    r.getKvsList().forEach(kv -> out.put(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8()));
    return out;
  }

  /**
   * Waits until {@code node}'s own copy holds every acknowledged key with its value ({@code expected}: full store
   * key → value); returns what is still missing or different when {@code timeout} runs out (empty: all there).
   */
  static Map<String, String> missingOn(ContainerCluster cluster, NodeContainer node, String prefix,
      Map<String, String> expected, Duration timeout) throws InterruptedException {
    return missingOn(cluster, node, prefix, expected, String::equals, timeout);
  }

  /** As above, with {@code matches(expected, stored)} deciding whether the stored value is the acknowledged one. */
  static Map<String, String> missingOn(ContainerCluster cluster, NodeContainer node, String prefix,
      Map<String, String> expected, BiPredicate<String, String> matches, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> missing = new HashMap<>(expected);
    while (true) {
      try {
        Map<String, String> have = localCopy(cluster, node, prefix);
        missing.entrySet().removeIf(e -> have.containsKey(e.getKey()) && matches.test(e.getValue(), have.get(e.getKey())));
      } catch (StatusRuntimeException e) {
        // not answering yet (restarting): try again until the deadline
      }
      if (missing.isEmpty() || System.nanoTime() > deadline) return missing;
      Thread.sleep(250); // poll interval while the node catches up
    }
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
