package io.trireme.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.WatchSink;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * A watch answered as a chunked stream of JSON {@code WatchEvent} lines (objects or one-row Tables), or as
 * WebSocket text frames when the client asked for the upgrade ({@link WebSocketWatch}).
 */
final class WatchStream implements WatchSink {
  private final Exchange ex;
  private final ResourceStrategy strategy;
  private final boolean table;
  private final boolean includeObject;
  private final Clock clock;
  private final boolean websocket;
  private static final byte[] TAIL = "}\n".getBytes(StandardCharsets.UTF_8);
  private boolean firstRow = true;
  private String contentType;
  private boolean headSent;
  private volatile ChannelFuture lastWrite;

  WatchStream(Exchange ex, ResourceStrategy strategy, boolean table, boolean includeObject, Clock clock) {
    this.ex = ex;
    this.strategy = strategy;
    this.table = table;
    this.includeObject = includeObject;
    this.clock = clock;
    this.websocket = WebSocketWatch.requested(ex.headers);
  }

  /**
   * Takes the exchange for this watch (false if it was answered already). The response head is sent later, once
   * the watch cache has registered the watch ({@link #started}), or before an error or end that comes first.
   */
  boolean claim(String contentType) {
    this.contentType = contentType;
    return ex.claim();
  }

  @Override
  public synchronized void started() {
    sendHead();
  }

  /**
   * Sends the response head (or the WebSocket upgrade) once, on the connection's event loop; every event is
   * written after it, because writes from other threads are queued to that loop in order.
   */
  private void sendHead() {
    if (headSent) {
      return;
    }
    headSent = true;
    if (ex.ctx.executor().inEventLoop()) {
      writeHead();
    } else {
      ex.ctx.executor().execute(this::writeHead);
    }
  }

  private void writeHead() {
    if (websocket) {
      if (!WebSocketWatch.upgrade(ex)) {
        ex.ctx.close(); // the handshaker has answered the failed upgrade; closing the connection ends the watch
      }
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    ex.ctx.writeAndFlush(head);
  }

  @Override
  public synchronized void event(String type, ObjectNode object) {
    ObjectNode payload = object;
    if (table && !type.equals("BOOKMARK")) {
      payload = Tables.table(strategy, List.of(object), null, null, clock.instant(), firstRow, includeObject);
      firstRow = false;
    }
    write(type, payload);
  }

  /** Plain JSON events reuse the object's encoding shared by every watch of the change. */
  @Override
  public synchronized void event(String type, ObjectNode object, Supplier<byte[]> json) {
    if (table && !type.equals("BOOKMARK")) {
      event(type, object);
      return;
    }
    sendHead();
    byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
    lastWrite = writeFrame(Unpooled.wrappedBuffer(head, json.get(), TAIL));
  }

  private void write(String type, ObjectNode payload) {
    sendHead();
    ObjectNode ev = JsonNodeFactory.instance.objectNode().put("type", type);
    ev.set("object", payload);
    byte[] line = (Json.string(ev) + "\n").getBytes(StandardCharsets.UTF_8);
    lastWrite = writeFrame(Unpooled.wrappedBuffer(line));
  }

  /** One event: a WebSocket text frame or a chunk of the streamed body. */
  private ChannelFuture writeFrame(io.netty.buffer.ByteBuf bytes) {
    return ex.ctx.writeAndFlush(websocket ? new TextWebSocketFrame(bytes) : new DefaultHttpContent(bytes));
  }

  /** Writable while the connection's outbound buffer is under its high-water mark (or it is closed). */
  @Override
  public boolean writable() {
    Channel ch = ex.ctx.channel();
    return !ch.isActive() || ch.isWritable();
  }

  @Override
  public void onWritable(Runnable resume) {
    ChannelFuture last = lastWrite;
    if (last == null) {
      resume.run();
    } else {
      last.addListener(f -> resume.run());
    }
  }

  /** Closes the connection: the client sees the watch end and re-watches from its last resourceVersion. */
  @Override
  public void abort() {
    ex.ctx.close();
  }

  @Override
  public synchronized void error(ApiException e) {
    write("ERROR", e.toStatus());
    end();
  }

  @Override
  public synchronized void end() {
    sendHead();
    if (websocket) {
      ex.ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    } else if (ex.keepAlive) {
      ex.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    } else {
      ex.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
