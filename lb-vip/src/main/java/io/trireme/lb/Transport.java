package io.trireme.lb;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/** Native epoll when available, NIO otherwise: event loops, channel classes and the matching socket options. */
final class Transport {

    private final boolean epoll;

    private Transport(boolean epoll) {
        this.epoll = epoll;
    }

    /** Epoll if {@code preferNative} and the native library loads on this machine, NIO otherwise. */
    static Transport select(boolean preferNative) {
        return new Transport(preferNative && Epoll.isAvailable());
    }

    boolean isNative() {
        return epoll;
    }

    String name() {
        return epoll ? "epoll" : "nio";
    }

    EventLoopGroup newGroup(int threads, String threadName) {
        DefaultThreadFactory factory = new DefaultThreadFactory(threadName, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** Server channels, created without reflection. */
    ChannelFactory<ServerChannel> serverChannelFactory() {
        return epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
    }

    /**
     * Client-side socket channels, created without reflection (one per proxied connection). Netty enables
     * {@code TCP_NODELAY} on them by default on Linux, so it is not set again.
     */
    ChannelFactory<Channel> socketChannelFactory() {
        return epoll ? EpollSocketChannel::new : NioSocketChannel::new;
    }

    /** The socket options that implement {@code keepAlive} on a connected socket of this transport. */
    Map<ChannelOption<?>, Object> keepAliveOptions(TcpKeepAlive keepAlive) {
        Map<ChannelOption<?>, Object> options = new LinkedHashMap<>();
        options.put(ChannelOption.SO_KEEPALIVE, keepAlive.enabled());
        if (!keepAlive.enabled()) {
            return options;
        }
        int idle = (int) keepAlive.idle().toSeconds();
        int interval = (int) keepAlive.interval().toSeconds();
        if (epoll) {
            options.put(EpollChannelOption.TCP_KEEPIDLE, idle);
            options.put(EpollChannelOption.TCP_KEEPINTVL, interval);
            options.put(EpollChannelOption.TCP_KEEPCNT, keepAlive.probes());
        } else {
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idle);
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), interval);
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepAlive.probes());
        }
        return options;
    }
}
