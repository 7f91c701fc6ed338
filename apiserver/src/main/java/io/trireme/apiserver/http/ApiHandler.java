package io.trireme.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import io.trireme.apiserver.auth.Authenticator;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.auth.Impersonation;
import io.trireme.apiserver.auth.UserInfo;
import io.trireme.apiserver.discovery.Discovery;
import io.trireme.apiserver.health.HealthEndpoint;
import io.trireme.apiserver.schema.OpenApiV2;
import io.trireme.apiserver.schema.OpenApiV3;
import io.trireme.apiserver.status.ApiException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of the apiserver: authenticates, routes (version, health, discovery, resources) and turns every
 * failure into a Kubernetes {@code Status}. Nothing here blocks: store work completes on gRPC threads.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final String AGG_TYPE = "application/json";
  private static final String AGG_GROUP = "apidiscovery.k8s.io";
  private static final String AGG_AS = "APIGroupDiscoveryList";

  /** What the handler serves; shared by every connection. */
  public record Services(Authenticator authenticator, Authorizer authorizer, Discovery discovery,
      ResourceHandler resources,
      Map<String, HealthEndpoint> health, ObjectNode version, OpenApiV3 openApi, OpenApiV2 openApiV2) {}

  private final Services services;

  public ApiHandler(Services services) {
    this.services = services;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    Exchange ex = new Exchange(ctx, req.method(), req.uri(), req.headers().copy(),
        ByteBufUtil.getBytes(req.content()), HttpUtil.isKeepAlive(req));
    try {
      if (!req.decoderResult().isSuccess()) {
        throw ApiException.badRequest("malformed request: " + req.decoderResult().cause());
      }
      route(ex);
    } catch (RuntimeException e) {
      ApiException api = ApiException.of(e);
      if (api.code() >= 500) {
        LOG.warn("{} {} failed", ex.method, ex.path, e);
      }
      ex.fail(api);
    }
  }

  private void route(Exchange ex) {
    List<String> segs = new ArrayList<>();
    for (String s : ex.path.split("/")) {
      if (!s.isEmpty()) {
        segs.add(s);
      }
    }
    String first = segs.isEmpty() ? "" : segs.get(0);
    HealthEndpoint health = services.health().get(first);
    if (health != null && segs.size() <= 2) {
      health(ex, health, segs.size() == 2 ? segs.get(1) : null);
      return;
    }
    if (first.equals("version") && segs.size() == 1) {
      ex.json(200, services.version(), Exchange.JSON);
      return;
    }
    CompletableFuture<Optional<UserInfo>> authenticated = services.authenticator().authenticate(
        peerCertificates(ex), ex.headers.get(HttpHeaderNames.AUTHORIZATION));
    authenticated.whenComplete((u, err) -> {
      try {
        if (err != null) {
          throw ApiException.of(err);
        }
        if (u.isEmpty()) {
          throw ApiException.unauthorized();
        }
        routeAuthenticated(ex, segs, u.get());
      } catch (RuntimeException e) {
        ApiException api = ApiException.of(e);
        if (api.code() >= 500) {
          LOG.warn("{} {} failed", ex.method, ex.path, e);
        }
        ex.fail(api);
      }
    });
  }

  /** Everything but health and version: discovery, OpenAPI and the resources, for an authenticated user. */
  private void routeAuthenticated(Exchange ex, List<String> segs, UserInfo authenticated) {
    String first = segs.isEmpty() ? "" : segs.get(0);
    Optional<UserInfo> user = Optional.of(Impersonation.apply(authenticated, ex.headers,
        services.authorizer()));
    LOG.debug("{} {} {}", user.get().name(), ex.method, ex.path);
    Discovery d = services.discovery();
    if (first.equals("api")) {
      if (segs.size() == 1) {
        discoveryRoot(ex, true);
      } else if (!segs.get(1).equals("v1")) {
        throw ApiException.notFoundPath();
      } else if (segs.size() == 2) {
        found(ex, d.resourceList("", "v1"));
      } else {
        services.resources().handle(ex, user.get(), "", "v1", segs.subList(2, segs.size()));
      }
    } else if (first.equals("apis")) {
      if (segs.size() == 1) {
        discoveryRoot(ex, false);
      } else if (segs.size() == 2) {
        found(ex, d.group(segs.get(1)));
      } else if (segs.size() == 3) {
        found(ex, d.resourceList(segs.get(1), segs.get(2)));
      } else {
        services.resources().handle(ex, user.get(), segs.get(1), segs.get(2), segs.subList(3, segs.size()));
      }
    } else if ((first.equals("openapi") && segs.size() == 2 && segs.get(1).equals("v2"))
        || (first.equals("swagger-2.0.0.pb-v1") && segs.size() == 1)) {
      ex.binary(200, services.openApiV2().document(), OpenApiV2.MEDIA_TYPE);
    } else if (first.equals("openapi") && segs.size() >= 2 && segs.get(1).equals("v3")) {
      if (segs.size() == 2) {
        ex.json(200, services.openApi().root(), Exchange.JSON);
      } else {
        found(ex, services.openApi().document(String.join("/", segs.subList(2, segs.size()))).orElse(null));
      }
    } else {
      throw ApiException.notFoundPath();
    }
  }

  private static void found(Exchange ex, ObjectNode doc) {
    if (doc == null) {
      throw ApiException.notFoundPath();
    }
    ex.json(200, doc, Exchange.JSON);
  }

  /** {@code /api} and {@code /apis}: aggregated discovery when the client asks for a version we serve. */
  private void discoveryRoot(Exchange ex, boolean core) {
    for (MediaType mt : ex.accept()) {
      for (String v : new String[] {"v2", "v2beta1"}) {
        if (mt.is(AGG_TYPE, AGG_GROUP, v, AGG_AS)) {
          ex.json(200, services.discovery().aggregated(core, v),
              "application/json;g=" + AGG_GROUP + ";v=" + v + ";as=" + AGG_AS);
          return;
        }
      }
      if (mt.acceptsJson()) {
        break;
      }
    }
    ObjectNode legacy = core ? services.discovery().apiVersions(serverAddress(ex))
        : services.discovery().groupList();
    ex.json(200, legacy, Exchange.JSON);
  }

  private static String serverAddress(Exchange ex) {
    if (ex.ctx.channel().localAddress() instanceof InetSocketAddress a) {
      return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
    return "";
  }

  private static void health(Exchange ex, HealthEndpoint endpoint, String single) {
    CompletableFuture<HealthEndpoint.Result> r = endpoint.run(single, ex.param("verbose") != null,
        new HashSet<>(ex.params("exclude")));
    if (r == null) {
      throw ApiException.notFoundPath();
    }
    r.whenComplete((res, err) -> {
      if (err != null) {
        ex.fail(err);
      } else {
        ex.text(res.code(), res.body());
      }
    });
  }

  private static Certificate[] peerCertificates(Exchange ex) {
    SslHandler ssl = ex.ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      return ssl.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** The /version document kubectl (and its version dispatcher) reads. */
  public static ObjectNode versionInfo() {
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    v.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0").put("gitCommit", "trireme")
        .put("gitTreeState", "clean").put("buildDate", "1970-01-01T00:00:00Z")
        .put("goVersion", "java" + Runtime.version().feature()).put("compiler", "trireme")
        .put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
            + Arrays.asList("amd64", "arm64").stream()
                .filter(a -> a.startsWith(System.getProperty("os.arch").equals("aarch64") ? "arm" : "amd"))
                .findFirst().orElse(System.getProperty("os.arch")));
    return v;
  }
}
