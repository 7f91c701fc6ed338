package io.trireme.node.runtime;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.trireme.apiserver.pki.CertifiedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster CA, kept in the store under {@link #KEY} (certificate PEM followed by the PKCS#8 key PEM) so
 * that every node serves with the same CA. The first node to win one Txn (create_revision == 0 → put) sets it;
 * every other node (and every later start) reads it back.
 */
public final class ClusterCaStore {
  /** The store key holding the CA. */
  public static final String KEY = "/trireme/pki/ca";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCaStore.class);
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";

  private ClusterCaStore() {}

  /** The one Txn: if {@link #KEY} does not exist put {@code pem}, else read it. */
  static TxnRequest proposal(String pem) {
    ByteString key = ByteString.copyFromUtf8(KEY);
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
            .setValue(ByteString.copyFromUtf8(pem))))
        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
        .build();
  }

  /** The CA the cluster agreed on, from the answer to {@link #proposal(String)}. */
  static String agreed(TxnResponse response, String proposed) {
    if (response.getSucceeded()) return proposed;
    if (response.getResponsesCount() != 1 || !response.getResponses(0).hasResponseRange()) {
      throw new IllegalStateException("unexpected answer to the CA txn: " + response.getResponsesCount() + " responses");
    }
    RangeResponse range = response.getResponses(0).getResponseRange();
    if (range.getKvsCount() != 1) {
      throw new IllegalStateException(KEY + " exists but could not be read back");
    }
    return range.getKvs(0).getValue().toString(StandardCharsets.UTF_8);
  }

  /** Certificate PEM followed by the private key PEM. */
  public static String encode(CertifiedKey ca) {
    return ca.certificatePem() + ca.privateKeyPem();
  }

  /** The inverse of {@link #encode}. */
  public static CertifiedKey decode(String pem) {
    int k = pem.indexOf(KEY_BEGIN);
    if (k < 0) throw new IllegalArgumentException(KEY + " holds no PKCS#8 private key");
    return CertifiedKey.fromPem(pem.substring(0, k), pem.substring(k));
  }

  /** Reads the CA from {@code store} (a client's view: the key must already exist). */
  public static Optional<CertifiedKey> read(Channel store, Duration timeout) {
    RangeResponse r = KVGrpc.newBlockingStub(store).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(KEY)).build());
    return r.getKvsCount() == 0 ? Optional.empty()
        : Optional.of(decode(r.getKvs(0).getValue().toString(StandardCharsets.UTF_8)));
  }

  /**
   * Agrees on the cluster CA through {@code store}: proposes {@code generate}'s CA, retrying while the store has
   * no leader, for at most {@code timeout}.
   */
  public static CertifiedKey agree(Channel store, Supplier<CertifiedKey> generate, Duration timeout)
      throws InterruptedException {
    String proposed = encode(generate.get());
    long deadline = System.nanoTime() + timeout.toNanos();
    StatusRuntimeException last = null;
    int attempts = 0;
    while (System.nanoTime() < deadline) {
      attempts++;
      try {
        TxnResponse r = KVGrpc.newBlockingStub(store).withDeadlineAfter(5, TimeUnit.SECONDS).txn(proposal(proposed));
        String agreed = agreed(r, proposed);
        LOG.info("cluster CA {} ({} attempt(s))", r.getSucceeded() ? "created in the store" : "read from the store",
            attempts);
        return decode(agreed);
      } catch (StatusRuntimeException e) {
        last = e;
        LOG.debug("CA txn attempt {} failed: {}", attempts, e.getStatus());
        Thread.sleep(Math.min(1000, 100L * attempts)); // back-off between store calls, not a wait for a condition
      }
    }
    throw new IllegalStateException("could not agree on the cluster CA through the store within "
        + timeout.toSeconds() + " s (no store leader?); last error: " + (last == null ? "none" : last.getStatus()),
        last);
  }
}
