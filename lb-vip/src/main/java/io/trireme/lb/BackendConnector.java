package io.trireme.lb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.util.Map;

/** Opens the backend side of a proxied connection. */
interface BackendConnector {

    /**
     * Connects to {@code backend} for {@code client}; the returned future's channel relays backend → client with a
     * {@link BackendHandler}.
     */
    ChannelFuture connect(Backend backend, Channel client);

    /**
     * The real connector: a socket on the client's own event loop (nothing to lock, no cross-thread hand-off), with
     * {@code AUTO_READ=false}, {@code TCP_NODELAY} (Netty's default), keep-alive and the connect timeout.
     */
    static BackendConnector sockets(Transport transport, LoadBalancerConfig config, LoadBalancerMetrics metrics) {
        Bootstrap template = new Bootstrap()
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
        for (Map.Entry<ChannelOption<?>, Object> e : transport.keepAliveOptions(config.keepAlive()).entrySet()) {
            @SuppressWarnings("unchecked")
            ChannelOption<Object> option = (ChannelOption<Object>) e.getKey();
            template.option(option, e.getValue());
        }
        return (backend, client) -> template.clone(client.eventLoop())
                .handler(new BackendHandler(client, metrics))
                .connect(backend.socketAddress());
    }
}
