package io.trireme.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An outbound handler for {@code EmbeddedChannel} tests: counts {@code read()} requests and, when holding, keeps
 * written messages and their promises instead of completing them (a peer that does not drain).
 */
final class ReadCounter extends ChannelOutboundHandlerAdapter {

    int reads;
    boolean holdWrites;
    final Deque<ChannelPromise> heldPromises = new ArrayDeque<>();
    final Deque<Object> heldMessages = new ArrayDeque<>();

    @Override
    public void read(ChannelHandlerContext ctx) {
        reads++;
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (holdWrites) {
            heldMessages.add(msg);
            heldPromises.add(promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
