package io.trireme.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of an accepted client connection: admission, then the relay. Connections of an exclusive listener
 * are also registered with it, so that giving up the address can reset them.
 */
final class FrontendInitializer extends ChannelInitializer<Channel> {

    private final BackendPool pool;
    private final BackendConnector connector;
    private final LoadBalancerMetrics metrics;
    private final AtomicInteger active;
    private final int maxConnections;

    FrontendInitializer(BackendPool pool, BackendConnector connector, LoadBalancerMetrics metrics,
            AtomicInteger active, int maxConnections) {
        this.pool = pool;
        this.connector = connector;
        this.metrics = metrics;
        this.active = active;
        this.maxConnections = maxConnections;
    }

    @Override
    protected void initChannel(Channel ch) {
        Channel listener = ch.parent();
        ChannelGroup clients = listener == null ? null : listener.attr(FrontendListeners.CLIENTS).get();
        if (clients != null) {
            clients.add(ch);
        }
        ch.pipeline().addLast(
                new ConnectionLimitHandler(active, maxConnections, metrics),
                new FrontendHandler(pool, connector, metrics));
    }
}
