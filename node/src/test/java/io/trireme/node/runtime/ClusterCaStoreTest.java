package io.trireme.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.Pki;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterCaStoreTest {
  private static final Pki PKI = new Pki(Clock.systemUTC());

  @Test
  void proposal_putsOnlyWhenTheKeyWasNeverCreated_elseReadsIt() {
    TxnRequest t = ClusterCaStore.proposal("PEM");

    assertThat(t.getCompareList()).singleElement().satisfies(c -> {
      assertThat(c.getKey().toStringUtf8()).isEqualTo(ClusterCaStore.KEY);
      assertThat(c.getTarget()).isEqualTo(Compare.CompareTarget.CREATE);
      assertThat(c.getResult()).isEqualTo(Compare.CompareResult.EQUAL);
      assertThat(c.getCreateRevision()).isZero();
    });
    assertThat(t.getSuccessList()).singleElement().satisfies(op -> {
      assertThat(op.getRequestPut().getKey().toStringUtf8()).isEqualTo(ClusterCaStore.KEY);
      assertThat(op.getRequestPut().getValue().toStringUtf8()).isEqualTo("PEM");
    });
    assertThat(t.getFailureList()).singleElement()
        .satisfies(op -> assertThat(op.getRequestRange().getKey().toStringUtf8()).isEqualTo(ClusterCaStore.KEY));
  }

  @Test
  void agreed_winnerKeepsItsOwnCa_loserTakesTheStoredOne() {
    TxnResponse won = TxnResponse.newBuilder().setSucceeded(true).build();
    TxnResponse lost = TxnResponse.newBuilder().setSucceeded(false).addResponses(ResponseOp.newBuilder()
        .setResponseRange(RangeResponse.newBuilder().addKvs(KeyValue.newBuilder()
            .setKey(ByteString.copyFromUtf8(ClusterCaStore.KEY)).setValue(ByteString.copyFromUtf8("STORED"))
            .setCreateRevision(3)))).build();

    assertThat(ClusterCaStore.agreed(won, "MINE")).isEqualTo("MINE");
    assertThat(ClusterCaStore.agreed(lost, "MINE")).isEqualTo("STORED");
  }

  @Test
  void agreed_lostButNothingReadBack_isAnError() {
    TxnResponse empty = TxnResponse.newBuilder().setSucceeded(false).addResponses(ResponseOp.newBuilder()
        .setResponseRange(RangeResponse.getDefaultInstance())).build();

    assertThatThrownBy(() -> ClusterCaStore.agreed(empty, "MINE")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ClusterCaStore.KEY);
  }

  @Test
  void encodeDecode_roundTripsCertificateAndKey() {
    CertifiedKey ca = PKI.newCa("trireme-ca", Duration.ofDays(1));

    CertifiedKey back = ClusterCaStore.decode(ClusterCaStore.encode(ca));

    assertThat(back.certificate()).isEqualTo(ca.certificate());
    assertThat(back.privateKey().getEncoded()).isEqualTo(ca.privateKey().getEncoded());
  }

  @Test
  void decode_withoutKey_isAClearError() {
    String certOnly = PKI.newCa("trireme-ca", Duration.ofDays(1)).certificatePem();

    assertThatThrownBy(() -> ClusterCaStore.decode(certOnly)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no PKCS#8 private key");
  }

  @Test
  void servingNames_coverNodeLoopbackVipAndKubernetesNames() {
    var layout = io.trireme.node.cluster.ClusterLayout.plan(java.nio.file.Path.of("/tmp/x"),
        java.util.List.of("127.0.1.41", "127.0.1.42"), "127.0.1.100");
    assertThat(NodeRuntime.servingNames("127.0.1.41", layout.nodes().get(0))).containsExactly("127.0.1.41",
        "127.0.1.100", "127.0.0.1", "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local");
    assertThat(NodeRuntime.servingNames("0.0.0.0", layout.nodes().get(1))).containsExactly("127.0.1.42",
        "127.0.1.100", "127.0.0.1", "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local");
  }
}
