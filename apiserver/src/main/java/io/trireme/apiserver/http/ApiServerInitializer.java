package io.trireme.apiserver.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;

/** The pipeline only: TLS, HTTP/1.1 codec, body aggregation with the size limit, the API handler. */
public final class ApiServerInitializer extends ChannelInitializer<SocketChannel> {
  private final SslContext ssl;
  private final int maxBodyBytes;
  private final ApiHandler handler;

  public ApiServerInitializer(SslContext ssl, int maxBodyBytes, ApiHandler handler) {
    this.ssl = ssl;
    this.maxBodyBytes = maxBodyBytes;
    this.handler = handler;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("tls", ssl.newHandler(ch.alloc()));
    p.addLast("http", new HttpServerCodec(16 * 1024, 64 * 1024, 64 * 1024));
    p.addLast("keepalive", new HttpServerKeepAliveHandler());
    p.addLast("aggregate", new LimitedAggregator(maxBodyBytes));
    p.addLast("api", handler);
  }

  /**
   * Answers an oversized body with a RequestEntityTooLarge Status at once, discards the rest of the body
   * as it arrives (closing mid-upload would reset the connection before the client reads the answer),
   * and closes the connection when the body has ended.
   */
  private static final class LimitedAggregator extends HttpObjectAggregator {
    /** How long the rest of an oversized body may take to arrive before the connection is closed anyway. */
    private static final long BODY_END_LIMIT_S = 30;
    private final int limit;
    private boolean closeAfterBody;

    LimitedAggregator(int limit) {
      super(limit);
      this.limit = limit;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body = Json.bytes(ApiException.tooLarge(limit).toStatus());
      FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      resp.headers().set(HttpHeaderNames.CONNECTION, "close");
      // Written past the keep-alive handler: it would close the connection as soon as a "Connection: close"
      // answer is out, mid-upload, and the reset that follows may destroy the answer before the client reads
      // it (ApiServerIT saw "header parser received no bytes" once). The rest of the body is discarded, and
      // the connection closed when it has ended (or after BODY_END_LIMIT_S if it never does).
      ctx.pipeline().context("keepalive").writeAndFlush(resp); // enters the pipeline at the HTTP encoder
      closeAfterBody = true;
      ctx.executor().schedule(() -> {
        ctx.close();
      }, BODY_END_LIMIT_S, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      boolean last = msg instanceof io.netty.handler.codec.http.LastHttpContent;
      super.channelRead(ctx, msg);
      if (last && closeAfterBody) {
        closeAfterBody = false;
        ctx.close();
      }
    }
  }
}
