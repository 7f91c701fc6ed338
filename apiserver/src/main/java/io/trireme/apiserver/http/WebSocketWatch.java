package io.trireme.apiserver.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * A watch over a WebSocket, as kube-apiserver serves one to a client that asks for the upgrade (the fabric8
 * client does, before it falls back to a streamed GET): 101, then one text frame per watch event (the same
 * JSON as a line of the chunked stream); the watch ends with a close frame.
 */
final class WebSocketWatch {
  private static final int MAX_CLIENT_FRAME = 64 * 1024;

  private WebSocketWatch() {}

  /** Whether the request asks for a WebSocket upgrade. */
  static boolean requested(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** Answers 101 and turns the connection into a WebSocket; false (and 426 sent) for an unknown version. */
  static boolean upgrade(Exchange ex) {
    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, ex.method, ex.query.uri(),
        Unpooled.EMPTY_BUFFER, ex.headers, EmptyHttpHeaders.INSTANCE);
    String url = "wss://" + ex.headers.get(HttpHeaderNames.HOST, "localhost") + ex.query.uri();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, false, MAX_CLIENT_FRAME)
        .newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ex.ctx.channel());
      return false;
    }
    if (ex.ctx.pipeline().get("keepalive") != null) {
      ex.ctx.pipeline().remove("keepalive");
    }
    ex.ctx.pipeline().addLast("websocket", new Frames(handshaker));
    handshaker.handshake(ex.ctx.channel(), req);
    return true;
  }

  /** The client's frames: ping is answered, close ends the watch; data frames mean nothing to a watch. */
  private static final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final WebSocketServerHandshaker handshaker;

    Frames(WebSocketServerHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof CloseWebSocketFrame close) {
        handshaker.close(ctx.channel(), close.retain());
      } else if (frame instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
