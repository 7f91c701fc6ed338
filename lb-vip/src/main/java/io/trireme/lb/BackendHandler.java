package io.trireme.lb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The backend side of one proxied connection: relays backend → client, reading the next chunk from the backend
 * only after the previous one was written to the client (backpressure), and closes the client when the backend
 * goes away.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final Channel client;
    private final LoadBalancerMetrics metrics;
    private ChannelFutureListener readNext;

    BackendHandler(Channel client, LoadBalancerMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel backend = ctx.channel();
        readNext = f -> {
            if (f.isSuccess()) {
                backend.read();
            } else {
                f.channel().close();
            }
        };
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            metrics.relayedToClient(buf.readableBytes());
        }
        client.writeAndFlush(msg).addListener(readNext);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(client);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeOnFlush(ctx.channel());
    }

    /** Closes {@code ch} after everything already written to it has been flushed. */
    static void closeOnFlush(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
        if (ch.eventLoop().inEventLoop() && (pending == null || pending.totalPendingWriteBytes() == 0)) {
            ch.close();
        } else {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
