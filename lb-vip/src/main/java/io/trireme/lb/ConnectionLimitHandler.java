package io.trireme.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission: at most {@code max} client connections at once. An excess connection is accepted and closed at once
 * (a clear refusal, counted) and never reaches the handlers behind this one.
 */
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final AtomicInteger active;
    private final int max;
    private final LoadBalancerMetrics metrics;
    private boolean admitted;

    ConnectionLimitHandler(AtomicInteger active, int max, LoadBalancerMetrics metrics) {
        this.active = active;
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (active.incrementAndGet() > max) {
            active.decrementAndGet();
            metrics.refused(LoadBalancerMetrics.Refusal.LIMIT);
            ctx.close();
            return;
        }
        admitted = true;
        metrics.admitted();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            active.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }
}
