package io.trireme.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** One request and the means to answer it exactly once, from any thread. */
final class Exchange {
  static final String JSON = "application/json";

  final ChannelHandlerContext ctx;
  final HttpMethod method;
  final String path;
  final QueryStringDecoder query;
  final HttpHeaders headers;
  final byte[] body;
  final boolean keepAlive;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

  Exchange(ChannelHandlerContext ctx, HttpMethod method, String uri, HttpHeaders headers, byte[] body,
      boolean keepAlive) {
    this.ctx = ctx;
    this.method = method;
    this.query = new QueryStringDecoder(uri);
    this.path = query.path();
    this.headers = headers;
    this.body = body;
    this.keepAlive = keepAlive;
  }

  String param(String name) {
    List<String> v = query.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  boolean flag(String name) {
    String v = param(name);
    return v != null && (v.equals("true") || v.equals("1") || v.isEmpty());
  }

  List<String> params(String name) {
    return query.parameters().getOrDefault(name, List.of());
  }

  List<MediaType> accept() {
    return MediaType.parseAccept(headers.get(HttpHeaderNames.ACCEPT));
  }

  /** Adds a {@code Warning: 299} header to the answer (kubectl prints it on stderr). */
  void warn(String text) {
    warnings.add(text);
  }

  /** Claims the right to answer; false if an answer was already sent (or a stream started). */
  boolean claim() {
    return answered.compareAndSet(false, true);
  }

  void json(int code, JsonNode node, String contentType) {
    bytes(code, Json.bytes(node), contentType);
  }

  void text(int code, String text) {
    bytes(code, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  void fail(Throwable t) {
    ApiException e = ApiException.of(t);
    json(e.code(), e.toStatus(), JSON);
  }

  /** A binary answer (the OpenAPI v2 protobuf). */
  void binary(int code, byte[] data, String contentType) {
    bytes(code, data, contentType);
  }

  private void bytes(int code, byte[] data, String contentType) {
    if (!claim()) {
      return;
    }
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
        Unpooled.wrappedBuffer(data));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, data.length);
    resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    for (String w : warnings) {
      resp.headers().add("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"");
    }
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
    } else {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
