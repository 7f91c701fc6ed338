package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

    @Test
    void roundRobin_upBackends_eachInTurn() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1");
        f.up("10.0.0.1:1");
        f.up("10.0.0.2:1");
        f.up("10.0.0.3:1");

        Map<Backend, Integer> picks = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            picks.merge(f.pool.select(Set.of()), 1, Integer::sum);
        }

        assertThat(picks).hasSize(3).allSatisfy((b, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void roundRobin_downAndUnknownBackends_neverPickedAndTheRestShareEvenly() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1",
                "10.0.0.4:1");
        f.up("10.0.0.1:1");
        f.down("10.0.0.2:1");
        f.up("10.0.0.4:1");

        Map<Backend, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(f.pool.select(Set.of()), 1, Integer::sum);
        }

        assertThat(picks).containsOnlyKeys(f.backend("10.0.0.1:1"), f.backend("10.0.0.4:1"));
        assertThat(picks.values()).containsOnly(50);
    }

    @Test
    void select_noBackendUp_returnsNull() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1");
        assertThat(f.pool.select(Set.of())).isNull();
        f.down("10.0.0.1:1");
        assertThat(f.pool.select(Set.of())).isNull();
    }

    @Test
    void select_excludedBackend_skipped() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1", "10.0.0.2:1");
        Backend a = f.up("10.0.0.1:1");
        Backend b = f.up("10.0.0.2:1");
        for (int i = 0; i < 5; i++) {
            assertThat(f.pool.select(List.of(a))).isSameAs(b);
        }
        assertThat(f.pool.select(List.of(a, b))).isNull();
    }

    @Test
    void leastConnections_picksTheBackendWithFewestOpenConnections() {
        PoolFixture f = new PoolFixture(BalancingPolicy.LEAST_CONNECTIONS, "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1");
        Backend a = f.up("10.0.0.1:1");
        Backend b = f.up("10.0.0.2:1");
        Backend c = f.up("10.0.0.3:1");
        a.attach(new EmbeddedChannel());
        a.attach(new EmbeddedChannel());
        b.attach(new EmbeddedChannel());
        EmbeddedChannel onC = new EmbeddedChannel();
        c.attach(onC);
        c.attach(new EmbeddedChannel());

        assertThat(f.pool.select(Set.of())).isSameAs(b);
        c.detach(onC);
        assertThat(c.activeConnections()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(f.pool.select(Set.of())).isIn(b, c);
        }
    }

    @Test
    void update_keepsExistingBackendsWithTheirState_addsNewOnes_returnsRemoved() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1", "10.0.0.2:1");
        Backend a = f.up("10.0.0.1:1");
        Backend b = f.backend("10.0.0.2:1");

        BackendPool.Changes changes = f.pool.update(
                List.of(BackendAddress.parse("10.0.0.1:1"), BackendAddress.parse("10.0.0.3:1")));

        assertThat(changes.removed()).containsExactly(b);
        assertThat(changes.added()).extracting(Backend::address).containsExactly(BackendAddress.parse("10.0.0.3:1"));
        assertThat(f.pool.backends()).element(0).isSameAs(a);
        assertThat(a.health().state()).isEqualTo(BackendState.UP);
        assertThat(f.backend("10.0.0.3:1").health().state()).isEqualTo(BackendState.UNKNOWN);
    }

    @Test
    void removedBackend_closesItsClientsAndIsNoLongerAvailable() {
        PoolFixture f = new PoolFixture(BalancingPolicy.ROUND_ROBIN, "10.0.0.1:1");
        Backend a = f.up("10.0.0.1:1");
        EmbeddedChannel client = new EmbeddedChannel();
        assertThat(a.attach(client)).isTrue();

        f.pool.update(List.of()).removed().forEach(Backend::remove);

        assertThat(client.isOpen()).isFalse();
        assertThat(a.available()).isFalse();
        assertThat(a.attach(new EmbeddedChannel())).isFalse();
        assertThat(f.registry.find("trireme.lb.backend.up").gauge()).isNull();
    }
}
