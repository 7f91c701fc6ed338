package io.trireme.lb;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one proxied connection: picks a backend when the client connects (trying the next healthy
 * one if the connect fails), relays client → backend one chunk at a time (the next read after the previous write
 * completed), and closes the backend side when the client goes away. While the backend connects, the client is
 * already read once and that first chunk held (so the request goes out the moment the connect completes, without
 * another trip through the event loop); nothing more is read until it is written. With no backend to go to, the
 * client is closed at once and the refusal counted.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);

    private final BackendPool pool;
    private final BackendConnector connector;
    private final LoadBalancerMetrics metrics;
    private final List<Backend> tried = new ArrayList<>(2);
    private Channel outbound;
    private Backend backend;
    private boolean connected;
    private Object held;
    private ChannelFutureListener readNext;

    FrontendHandler(BackendPool pool, BackendConnector connector, LoadBalancerMetrics metrics) {
        this.pool = pool;
        this.connector = connector;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        readNext = f -> {
            if (f.isSuccess()) {
                client.read();
            } else {
                f.channel().close();
            }
        };
        connectNext(client);
        if (!connected && client.isActive()) {
            client.read();
        }
        ctx.fireChannelActive();
    }

    private void connectNext(Channel client) {
        Backend chosen;
        do {
            chosen = pool.select(tried);
            if (chosen == null) {
                metrics.refused(tried.isEmpty()
                        ? LoadBalancerMetrics.Refusal.NO_BACKEND
                        : LoadBalancerMetrics.Refusal.BACKEND_UNREACHABLE);
                client.close();
                return;
            }
            tried.add(chosen);
        } while (!chosen.attach(client));
        Backend target = chosen;
        backend = target;
        ChannelFuture connect = connector.connect(target, client);
        outbound = connect.channel();
        connect.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                if (!client.isActive()) {
                    f.channel().close();
                    return;
                }
                connected = true;
                Object first = held;
                held = null;
                if (first != null) {
                    f.channel().writeAndFlush(first).addListener(readNext);
                } else {
                    client.read();
                }
                return;
            }
            target.detach(client);
            if (!client.isActive()) {
                return;
            }
            backend = null;
            outbound = null;
            target.meters().connectFailures().increment();
            String reason = HealthProbe.describe(f.cause());
            LOG.debug("connect to backend {} failed: {}", target, reason);
            markDownIfOthersUp(target, reason);
            connectNext(client);
        });
    }

    /**
     * A backend that refused or timed out a proxied connection goes DOWN at once (its connections are closed, as
     * on a failed check), so the next clients do not wait for its connect timeout too; never the last UP backend,
     * so a network blip cannot empty the pool.
     */
    private void markDownIfOthersUp(Backend target, String reason) {
        boolean othersUp = pool.backends().stream()
                .anyMatch(b -> b != target && b.health().state() == BackendState.UP);
        if (!othersUp) {
            return;
        }
        target.health().recordConnectFailure(reason).ifPresent(t -> target.onTransition("proxy", t));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            metrics.relayedToBackend(buf.readableBytes());
        }
        Channel out = outbound;
        if (connected && out.isActive()) {
            out.writeAndFlush(msg).addListener(readNext);
        } else if (!connected && held == null && ctx.channel().isActive()) {
            held = msg;
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (held != null) {
            ReferenceCountUtil.release(held);
            held = null;
        }
        if (backend != null) {
            backend.detach(ctx.channel());
        }
        if (outbound != null) {
            if (outbound.isActive()) {
                BackendHandler.closeOnFlush(outbound);
            } else {
                outbound.close();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {} failed: {}", ctx.channel(), HealthProbe.describe(cause));
        BackendHandler.closeOnFlush(ctx.channel());
    }
}
