package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ConnectionLimitHandlerTest {

    private final PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN);

    /** Records whether channelActive got past the limit handler. */
    private static final class Reached extends ChannelInboundHandlerAdapter {
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }
    }

    private EmbeddedChannel connect(Reached reached) {
        return new EmbeddedChannel(new ConnectionLimitHandler(f.active, 2, f.metrics), reached);
    }

    @Test
    void belowLimit_admittedAndCounted() {
        Reached r1 = new Reached();
        Reached r2 = new Reached();
        EmbeddedChannel c1 = connect(r1);
        EmbeddedChannel c2 = connect(r2);

        assertThat(c1.isOpen()).isTrue();
        assertThat(c2.isOpen()).isTrue();
        assertThat(r1.active && r2.active).isTrue();
        assertThat(f.active.get()).isEqualTo(2);
        assertThat(f.registry.get("trireme.lb.connections").counter().count()).isEqualTo(2);
        assertThat(f.registry.get("trireme.lb.connections.active").gauge().value()).isEqualTo(2);
    }

    @Test
    void overLimit_closedAtOnceNeverReachesTheRelayAndCountedAsRefused() {
        connect(new Reached());
        connect(new Reached());
        Reached third = new Reached();

        EmbeddedChannel c3 = connect(third);

        assertThat(c3.isOpen()).isFalse();
        assertThat(third.active).isFalse();
        assertThat(f.active.get()).isEqualTo(2);
        assertThat(f.refused(LoadBalancerMetrics.Refusal.LIMIT)).isEqualTo(1);
        assertThat(f.registry.get("trireme.lb.connections.refused").tag("reason", "limit").counter().count())
                .isEqualTo(1);
    }

    @Test
    void closingAnAdmittedConnection_freesItsSlot() {
        EmbeddedChannel c1 = connect(new Reached());
        connect(new Reached());
        c1.close();
        assertThat(f.active.get()).isEqualTo(1);

        Reached again = new Reached();
        EmbeddedChannel c3 = connect(again);

        assertThat(c3.isOpen()).isTrue();
        assertThat(again.active).isTrue();
        assertThat(f.refused(LoadBalancerMetrics.Refusal.LIMIT)).isZero();
    }

    @Test
    void refusedConnectionClosing_doesNotFreeASlot() {
        connect(new Reached());
        connect(new Reached());
        EmbeddedChannel refused = connect(new Reached());
        refused.close();

        assertThat(f.active.get()).isEqualTo(2);
    }
}
