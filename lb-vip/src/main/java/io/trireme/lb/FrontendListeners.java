package io.trireme.lb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listening sockets of one balancer, keyed by their bound address. A listener is either
 * <ul>
 *   <li>shared ({@code SO_REUSEPORT}, epoll only): one socket per I/O loop, each accepted connection stays on the
 *       loop that accepted it — the fastest accept path, but any process of the same user may bind the address
 *       too; or</li>
 *   <li>exclusive: one socket, so the kernel refuses a second owner of the address (what the VIP relies on).</li>
 * </ul>
 * A listener bound with {@code resetOnUnbind} tracks its client connections so that {@link #unbind} can reset them.
 */
final class FrontendListeners {

    /** On a {@code resetOnUnbind} listener's server channel: the client connections it accepted. */
    static final AttributeKey<ChannelGroup> CLIENTS = AttributeKey.valueOf(FrontendListeners.class, "clients");

    private record Listener(List<Channel> channels, ChannelGroup clients) {}

    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final ChannelHandler initializer;
    private final TcpKeepAlive keepAlive;
    private final Map<InetSocketAddress, Listener> listeners = new LinkedHashMap<>();
    /** Client connections of listeners released with {@code reset = false}: closed (FIN) by {@link #closeAll}. */
    private final List<ChannelGroup> draining = new ArrayList<>();

    FrontendListeners(Transport transport, EventLoopGroup ioGroup, ChannelHandler initializer, TcpKeepAlive keepAlive) {
        this.transport = transport;
        this.ioGroup = ioGroup;
        this.initializer = initializer;
        this.keepAlive = keepAlive;
    }

    /**
     * Starts accepting on {@code address}; returns the bound address (port 0 picks one).
     *
     * @throws BindException if the address is in use (for an exclusive listener: someone else owns it)
     */
    synchronized InetSocketAddress bind(InetSocketAddress address, boolean shared, boolean resetOnUnbind)
            throws BindException {
        List<Channel> channels = new ArrayList<>();
        ChannelGroup clients = resetOnUnbind ? new DefaultChannelGroup(GlobalEventExecutor.INSTANCE) : null;
        InetSocketAddress next = address;
        try {
            if (shared && transport.isNative()) {
                for (EventExecutor executor : ioGroup) {
                    EventLoop loop = (EventLoop) executor;
                    Channel ch = bootstrap(loop, clients).option(EpollChannelOption.SO_REUSEPORT, true)
                            .bind(next).syncUninterruptibly().channel();
                    channels.add(ch);
                    next = (InetSocketAddress) ch.localAddress();
                }
            } else {
                channels.add(bootstrap(ioGroup, clients).bind(address).syncUninterruptibly().channel());
            }
        } catch (Exception e) { // Netty rethrows the bind failure itself, checked or not
            channels.forEach(Channel::close);
            if (addressInUse(e)) {
                BindException be = new BindException("address in use: " + address);
                be.initCause(e);
                throw be;
            }
            throw new LoadBalancerException("cannot listen on " + address + ": " + HealthProbe.describe(e), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channels.get(0).localAddress();
        listeners.put(bound, new Listener(channels, clients));
        return bound;
    }

    /**
     * Stops accepting on {@code bound} and, for a {@code resetOnUnbind} listener, resets (RST) the client
     * connections that came in through it. Returns false if nothing listened there.
     */
    synchronized boolean unbind(InetSocketAddress bound) {
        return unbind(bound, true);
    }

    /**
     * Stops accepting on {@code bound}; with {@code reset} the client connections that came in through it are reset
     * (RST) at once, without it they go on being proxied until {@link #closeAll} closes them normally (FIN).
     */
    synchronized boolean unbind(InetSocketAddress bound, boolean reset) {
        Listener listener = listeners.remove(bound);
        if (listener == null) {
            return false;
        }
        listener.channels().forEach(ch -> ch.close().syncUninterruptibly());
        if (listener.clients() != null) {
            if (reset) {
                for (Channel client : listener.clients()) {
                    client.config().setOption(ChannelOption.SO_LINGER, 0);
                    client.close();
                }
            } else {
                draining.add(listener.clients());
            }
        }
        return true;
    }

    synchronized List<InetSocketAddress> addresses() {
        return List.copyOf(listeners.keySet());
    }

    synchronized void closeAll() {
        for (InetSocketAddress a : addresses()) {
            unbind(a);
        }
        for (ChannelGroup clients : draining) {
            clients.close().awaitUninterruptibly(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        draining.clear();
    }

    private ServerBootstrap bootstrap(EventLoopGroup group, ChannelGroup clients) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group, group)
                .channelFactory(transport.serverChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(initializer);
        if (clients != null) {
            bootstrap.attr(CLIENTS, clients);
        }
        for (Map.Entry<ChannelOption<?>, Object> e : transport.keepAliveOptions(keepAlive).entrySet()) {
            @SuppressWarnings("unchecked")
            ChannelOption<Object> option = (ChannelOption<Object>) e.getKey();
            bootstrap.childOption(option, e.getValue());
        }
        return bootstrap;
    }

    private static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
