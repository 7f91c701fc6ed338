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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;

/**
 * Sends one {@code GET <path>} when the probe connection is up and completes {@code result}: success on 200,
 * failure on any other status, a closed connection or an error (a TLS verification failure arrives here).
 */
final class ReadinessResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    /** A check failure that is not an I/O exception (a wrong status, an early close). */
    static final class ProbeFailure extends Exception {
        ProbeFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final Promise<Void> result;
    private final String path;
    private final String hostHeader;

    ReadinessResponseHandler(Promise<Void> result, String path, String hostHeader) {
        this.result = result;
        this.path = path;
        this.hostHeader = hostHeader;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.USER_AGENT, "trireme-lb")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.status().equals(HttpResponseStatus.OK)) {
            result.trySuccess(null);
        } else {
            result.tryFailure(new ProbeFailure("GET " + path + " answered " + response.status()));
        }
        ctx.close();
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
