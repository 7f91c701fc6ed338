package io.trireme.lb;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontendHandlerTest {

    private final PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1", "10.0.0.2:1");
    private final List<EmbeddedChannel> backendSides = new ArrayList<>();
    private final List<Backend> connectedTo = new ArrayList<>();
    private final List<Backend> refusing = new ArrayList<>();
    private final ReadCounter clientReads = new ReadCounter();
    private final ReadCounter backendWrites = new ReadCounter();
    private ChannelPromise deferredConnect;
    private boolean deferConnects;

    /**
     * Backend side = an EmbeddedChannel (AUTO_READ off, as the real bootstrap sets it) running the real
     * BackendHandler; connects to {@code refusing} backends fail, as an unconnectable socket would.
     */
    private final BackendConnector connector = (backend, client) -> {
        connectedTo.add(backend);
        if (refusing.contains(backend)) {
            EmbeddedChannel never = new EmbeddedChannel();
            never.close();
            return never.newFailedFuture(new ConnectException("Connection refused"));
        }
        EmbeddedChannel out = new EmbeddedChannel(false, false, backendWrites, new BackendHandler(client, f.metrics));
        out.config().setOption(ChannelOption.AUTO_READ, false);
        try {
            out.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        backendSides.add(out);
        if (deferConnects) {
            deferredConnect = out.newPromise();
            return deferredConnect;
        }
        return out.newSucceededFuture();
    };

    private EmbeddedChannel client() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false, clientReads,
                new FrontendHandler(f.pool, connector, f.metrics));
        ch.config().setOption(ChannelOption.AUTO_READ, false);
        ch.register();
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, US_ASCII);
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            sb.append(b.toString(US_ASCII));
        }
        return sb.toString();
    }

    @Test
    void noBackendUp_clientClosedAtOnceAndRefusalCounted() throws Exception {
        EmbeddedChannel client = client();

        assertThat(client.isOpen()).isFalse();
        assertThat(connectedTo).isEmpty();
        assertThat(f.refused(LoadBalancerMetrics.Refusal.NO_BACKEND)).isEqualTo(1);
    }

    @Test
    void connected_bytesFlowBothWaysAndAreCounted() throws Exception {
        Backend a = f.up("10.0.0.1:1");
        EmbeddedChannel client = client();
        EmbeddedChannel backend = backendSides.get(0);

        assertThat(clientReads.reads).isEqualTo(1);
        assertThat(a.activeConnections()).isEqualTo(1);

        client.writeInbound(ascii("GET / HTTP/1.1\r\n"));
        assertThat(drain(backend)).isEqualTo("GET / HTTP/1.1\r\n");
        backend.writeInbound(ascii("HTTP/1.1 200 OK\r\n"));
        assertThat(drain(client)).isEqualTo("HTTP/1.1 200 OK\r\n");

        assertThat(f.registry.get("trireme.lb.bytes").tag("direction", "to_backend").counter().count()).isEqualTo(16);
        assertThat(f.registry.get("trireme.lb.bytes").tag("direction", "to_client").counter().count()).isEqualTo(17);
    }

    @Test
    void clientSendsWhileTheBackendConnects_firstChunkHeldNothingMoreReadThenSentOnConnect() throws Exception {
        f.up("10.0.0.1:1");
        deferConnects = true;
        EmbeddedChannel client = client();
        EmbeddedChannel backend = backendSides.get(0);
        assertThat(clientReads.reads).as("the client is read once while the backend connects").isEqualTo(1);

        client.writeInbound(ascii("GET /readyz HTTP/1.1\r\n"));
        assertThat(drain(backend)).isEmpty();
        assertThat(clientReads.reads).as("nothing more is read while a chunk is held").isEqualTo(1);

        deferredConnect.setSuccess();

        assertThat(drain(backend)).isEqualTo("GET /readyz HTTP/1.1\r\n");
        assertThat(clientReads.reads).isEqualTo(2);
    }

    @Test
    void clientClosesWhileTheBackendConnects_heldChunkReleased() throws Exception {
        f.up("10.0.0.1:1");
        deferConnects = true;
        EmbeddedChannel client = client();
        ByteBuf chunk = ascii("never sent");
        client.writeInbound(chunk);

        client.close();

        assertThat(chunk.refCnt()).isZero();
        assertThat(backendSides.get(0).isOpen()).isFalse();
    }

    @Test
    void slowBackend_nextClientReadWaitsForTheWriteToComplete() throws Exception {
        f.up("10.0.0.1:1");
        EmbeddedChannel client = client();
        backendWrites.holdWrites = true;
        int readsBefore = clientReads.reads;

        client.writeInbound(ascii("chunk-1"));
        assertThat(clientReads.reads).as("no read while the backend has not taken chunk-1").isEqualTo(readsBefore);

        backendWrites.heldPromises.poll().setSuccess();
        ((ByteBuf) backendWrites.heldMessages.poll()).release();
        assertThat(clientReads.reads).isEqualTo(readsBefore + 1);
    }

    @Test
    void slowClient_nextBackendReadWaitsForTheWriteToComplete() throws Exception {
        f.up("10.0.0.1:1");
        EmbeddedChannel client = client();
        EmbeddedChannel backend = backendSides.get(0);
        clientReads.holdWrites = true;
        int readsBefore = backendWrites.reads;

        backend.writeInbound(ascii("response-1"));
        assertThat(backendWrites.reads).as("no backend read while the client has not taken response-1")
                .isEqualTo(readsBefore);

        clientReads.heldPromises.poll().setSuccess();
        ((ByteBuf) clientReads.heldMessages.poll()).release();
        assertThat(backendWrites.reads).isEqualTo(readsBefore + 1);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void firstBackendRefuses_nextHealthyBackendIsTried() throws Exception {
        Backend a = f.up("10.0.0.1:1");
        Backend b = f.up("10.0.0.2:1");
        refusing.add(a);

        EmbeddedChannel client = client();

        assertThat(connectedTo).containsExactly(a, b);
        assertThat(client.isOpen()).isTrue();
        assertThat(clientReads.reads).isEqualTo(1);
        assertThat(b.activeConnections()).isEqualTo(1);
        assertThat(a.activeConnections()).isZero();
        assertThat(a.meters().connectFailures().count()).isEqualTo(1);
    }

    @Test
    void everyBackendRefuses_clientClosedAndCountedUnreachable() throws Exception {
        refusing.add(f.up("10.0.0.1:1"));
        refusing.add(f.up("10.0.0.2:1"));

        EmbeddedChannel client = client();

        assertThat(client.isOpen()).isFalse();
        assertThat(f.refused(LoadBalancerMetrics.Refusal.BACKEND_UNREACHABLE)).isEqualTo(1);
        assertThat(f.pool.backends()).allSatisfy(b -> assertThat(b.activeConnections()).isZero());
    }

    @Test
    void backendCloses_clientClosed() throws Exception {
        f.up("10.0.0.1:1");
        EmbeddedChannel client = client();

        backendSides.get(0).close();

        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void clientCloses_backendClosedAndConnectionDetached() throws Exception {
        Backend a = f.up("10.0.0.1:1");
        EmbeddedChannel client = client();

        client.close();
        backendSides.get(0).runPendingTasks();

        assertThat(backendSides.get(0).isOpen()).isFalse();
        assertThat(a.activeConnections()).isZero();
    }

    @Test
    void backendGoesDown_itsClientsAreClosed() throws Exception {
        Backend a = f.up("10.0.0.1:1");
        EmbeddedChannel client = client();
        Channel backend = backendSides.get(0);

        a.health().recordFailure("refused");
        a.health().recordFailure("refused");
        int closed = a.closeClients();

        assertThat(closed).isEqualTo(1);
        assertThat(client.isOpen()).isFalse();
        assertThat(backend.isOpen()).isFalse();
    }
}
