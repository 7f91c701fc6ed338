package io.trireme.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;

/**
 * Sends {@code GET <path>} when the probe connection is up, and again for every later check that reuses the
 * connection ({@link #probe}), and completes that check's promise: success on 200, failure on any other status, a
 * closed connection or an error (a TLS verification failure arrives here). Runs on the connection's event loop.
 */
final class ReadinessResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    /** A check failure that is not an I/O exception (a wrong status, an early close). */
    static final class ProbeFailure extends Exception {
        ProbeFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final String path;
    private final String hostHeader;
    private Promise<Void> result;
    private ChannelHandlerContext ctx;
    private boolean reusable;

    ReadinessResponseHandler(Promise<Void> result, String path, String hostHeader) {
        this.result = result;
        this.path = path;
        this.hostHeader = hostHeader;
    }

    /** Whether the last response allows another request on this connection (keep-alive, status 200). */
    boolean reusable() {
        return reusable;
    }

    /** Sends the request of a later check on this (active) connection. */
    void probe(Promise<Void> next) {
        result = next;
        reusable = false;
        send(ctx, next);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx, result);
        ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx, Promise<Void> check) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.USER_AGENT, "trireme-lb")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                check.tryFailure(f.cause());
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.status().equals(HttpResponseStatus.OK)) {
            reusable = HttpUtil.isKeepAlive(response);
            result.trySuccess(null);
        } else {
            result.tryFailure(new ProbeFailure("GET " + path + " answered " + response.status()));
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.tryFailure(new ProbeFailure("connection closed before the " + path + " response"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.tryFailure(cause);
        ctx.close();
    }
}
