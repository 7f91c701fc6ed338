package io.trireme.lb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One health check of one backend, non-blocking on an event loop: a TCP connect, then (if configured) an HTTPS
 * {@code GET /readyz} verified against the cluster CA. The whole check is bounded by the check timeout, so a
 * backend that accepts and never answers fails like one that refuses.
 *
 * <p>An HTTPS connection whose check passed is kept (HTTP/1.1 keep-alive) and the next check of that backend sends
 * its {@code GET} on it, as Envoy's HTTP health checker does by default: a TLS handshake per check (ECDHE plus a
 * certificate signature and its verification, on both ends) cost three idle nodes a third of a 2-core machine
 * at one check per backend every 500 ms. A failed or timed-out check closes its connection, and a backend that
 * died or closed the connection is found by the next check (the write fails or the channel is inactive), which
 * then connects afresh, so failures are noticed as before.
 */
final class HealthProbe {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final ChannelHandler NO_OP = new ChannelInboundHandlerAdapter() {
        @Override
        public boolean isSharable() {
            return true;
        }
    };

    private final HealthCheckSettings settings;
    private final Transport transport;
    private final SslContext sslContext;
    /** Per backend, the HTTPS connection of its last passed check, waiting for the next check. */
    private final ConcurrentMap<BackendAddress, Channel> idle = new ConcurrentHashMap<>();

    HealthProbe(HealthCheckSettings settings, Transport transport) {
        this.settings = settings;
        this.transport = transport;
        this.sslContext = settings.readiness() == null ? null : clientContext(settings.readiness());
    }

    private static SslContext clientContext(ReadinessProbe readiness) {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(readiness.trustedCertificates())
                    .build();
        } catch (SSLException e) {
            throw new LoadBalancerException("cannot build the TLS context for health checks: " + e.getMessage(), e);
        }
    }

    /** Starts one check of {@code address} on {@code loop}; the future fails with the reason. */
    Future<Void> check(BackendAddress address, EventLoop loop) {
        Promise<Void> result = loop.newPromise();
        long timeoutMillis = settings.timeout().toMillis();
        ScheduledFuture<?> timer = loop.schedule(
                () -> result.tryFailure(new TimeoutException("no answer within " + timeoutMillis + " ms")),
                timeoutMillis, TimeUnit.MILLISECONDS);
        Channel kept = idle.remove(address);
        ReadinessResponseHandler keptHandler = kept == null ? null : kept.pipeline().get(ReadinessResponseHandler.class);
        Channel channel;
        if (keptHandler != null && kept.isActive()) {
            channel = kept;
            keptHandler.probe(result);
        } else {
            if (kept != null) {
                kept.close();
            }
            channel = connect(address, loop, result, timeoutMillis);
        }
        result.addListener(f -> {
            timer.cancel(false);
            ReadinessResponseHandler handler = channel.pipeline().get(ReadinessResponseHandler.class);
            if (f.isSuccess() && handler != null && handler.reusable() && channel.isActive()) {
                Channel previous = idle.put(address, channel);
                if (previous != null && previous != channel) {
                    previous.close();
                }
            } else {
                channel.close();
            }
        });
        return result;
    }

    private Channel connect(BackendAddress address, EventLoop loop, Promise<Void> result, long timeoutMillis) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(sslContext == null ? NO_OP : readinessPipeline(address, result));
        ChannelFuture connect = bootstrap.connect(address.socketAddress());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
            } else if (sslContext == null) {
                result.trySuccess(null);
            }
        });
        return connect.channel();
    }

    /** Closes the connection kept for {@code address}, if any (the backend was removed). */
    void release(BackendAddress address) {
        Channel kept = idle.remove(address);
        if (kept != null) {
            kept.close();
        }
    }

    /** Closes every kept connection (the checker stopped). */
    void releaseAll() {
        idle.keySet().forEach(this::release);
    }

    private ChannelInitializer<Channel> readinessPipeline(BackendAddress address, Promise<Void> result) {
        ReadinessProbe readiness = settings.readiness();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                SSLEngine engine = sslContext.newEngine(ch.alloc(), address.host(), address.port());
                if (readiness.verifyHostname()) {
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                }
                ch.pipeline().addLast(
                        new SslHandler(engine),
                        new HttpClientCodec(),
                        new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                        new ReadinessResponseHandler(result, readiness.path(), address.toString()));
            }
        };
    }

    /** A short, loggable reason for a failed check. */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String type = root.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }
}
