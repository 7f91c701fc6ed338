package io.trireme.apiserver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Channel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.trireme.apiserver.admission.LimitRanger;
import io.trireme.apiserver.admission.NamespaceLifecycle;
import io.trireme.apiserver.admission.ResourceQuotaEffect;
import io.trireme.apiserver.admission.ServiceAccountAdmission;
import io.trireme.apiserver.controlplane.DefaultServiceAccounts;
import io.trireme.apiserver.registry.core.serviceaccount.ServiceAccountStrategy;
import io.trireme.apiserver.auth.Authenticator;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.auth.ServiceAccountTokens;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.auth.TokenFile;
import io.trireme.apiserver.discovery.Discovery;
import io.trireme.apiserver.health.HealthCheck;
import io.trireme.apiserver.health.HealthEndpoint;
import io.trireme.apiserver.http.ApiHandler;
import io.trireme.apiserver.http.ApiServerInitializer;
import io.trireme.apiserver.http.ResourceHandler;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.Pki;
import io.trireme.apiserver.registry.Resources;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.ResourceSchema;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.schema.FieldPruner;
import io.trireme.apiserver.schema.OpenApiV2;
import io.trireme.apiserver.schema.OpenApiV3;
import io.trireme.apiserver.schema.ProtoTypes;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.registry.generic.WatchCacheConfig;
import io.trireme.apiserver.registry.generic.WriteEffect;
import io.trireme.apiserver.registry.core.service.ServiceAllocation;
import io.trireme.apiserver.registry.core.service.ServiceStrategy;
import io.trireme.apiserver.registry.core.endpoints.EndpointsStrategy;
import io.trireme.apiserver.registry.discovery.endpointslice.EndpointSliceStrategy;
import io.trireme.apiserver.controlplane.KubernetesService;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import io.trireme.apiserver.storage.StoreHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes-compatible API server over the etcd v3 API: HTTPS only, client-certificate and bearer-token
 * authentication, discovery, health, and the registered resources. {@link #start()} binds; {@link #close()}
 * stops. The store channel belongs to the caller.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  static final List<String> BOOTSTRAP_NAMESPACES = List.of("default", "kube-system", "kube-public",
      "kube-node-lease");

  private final ApiServerConfig config;
  private final EtcdKv kv;
  private final WriteCondition writeCondition;
  private final Clock clock;
  private final Registry registry = new Registry();
  private final ScheduledExecutorService scheduler;
  private final ExecutorService watchExecutor;
  private final AtomicBoolean bootstrapped = new AtomicBoolean();
  private final CertifiedKey serving;
  private final StoreHealth storeHealth;
  private final Authorizer authorizer = new Authorizer();
  private final ServiceAccountTokens serviceAccountTokens;
  private KubernetesService kubernetesService;
  private DefaultServiceAccounts serviceAccounts;
  private EventLoopGroup boss;
  private volatile io.netty.channel.Channel listener;
  private EventLoopGroup workers;
  private InetSocketAddress address;
  private volatile boolean closed;

  public ApiServer(ApiServerConfig config, Channel store) {
    this(config, store, WriteCondition.NONE, Clock.systemUTC());
  }

  public ApiServer(ApiServerConfig config, Channel store, WriteCondition writeCondition, Clock clock) {
    this(config, store, writeCondition, clock, WatchCacheConfig.of(config.bookmarkInterval()));
  }

  /** @param watchCache window and per-client buffer of the watch caches (one store watch per resource) */
  public ApiServer(ApiServerConfig config, Channel store, WriteCondition writeCondition, Clock clock,
      WatchCacheConfig watchCache) {
    this.config = config;
    this.kv = new EtcdKv(store, config.storeTimeout().toMillis());
    this.writeCondition = writeCondition;
    this.clock = clock;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "apiserver-" + config.nodeName() + "-timer");
      t.setDaemon(true);
      return t;
    });
    this.watchExecutor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "apiserver-" + config.nodeName() + "-watch");
      t.setDaemon(true);
      return t;
    });
    List<io.trireme.apiserver.registry.generic.Admission> admission = List.of(new NamespaceLifecycle(kv),
        new ServiceAccountAdmission(kv), new LimitRanger(kv));
    List<WriteEffect> effects = List.of(new ServiceAllocation(kv, config.serviceRange(), config.nodePortRange()),
        new ResourceQuotaEffect(kv));
    this.storeHealth = new StoreHealth(store, config.storeTimeout().toMillis());
    this.serviceAccountTokens = new ServiceAccountTokens(config.ca().privateKey(),
        config.ca().certificate().getPublicKey(), ServiceAccountTokens.DEFAULT_ISSUER, clock);
    for (ResourceStrategy s : Resources.all(clock, storeHealth, authorizer, serviceAccountTokens)) {
      ResourceSchema schema = ProtoTypes.kind(s.info().apiVersion(), s.info().kind())
          .<ResourceSchema>map(d -> obj -> FieldPruner.prune(obj, d)).orElse(ResourceSchema.ANY);
      registry.register(new GenericStore(s, schema, kv, clock, admission, effects, scheduler, watchExecutor,
          watchCache));
    }
    this.serving = new Pki(clock).issueServing(config.ca(), config.servingNames(), Duration.ofDays(365));
  }

  /** Binds the HTTPS port and starts creating the bootstrap namespaces. */
  public synchronized InetSocketAddress start() throws InterruptedException {
    if (address != null) {
      return address;
    }
    TokenFile tokens;
    try {
      tokens = config.tokenFile() == null ? TokenFile.empty() : TokenFile.read(config.tokenFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + config.tokenFile(), e);
    }
    SslContext ssl;
    try {
      ssl = SslContextBuilder.forServer(serving.privateKey(), serving.certificate(), config.ca().certificate())
          .trustManager(config.ca().certificate()).clientAuth(ClientAuth.OPTIONAL)
          .protocols("TLSv1.3", "TLSv1.2").sslProvider(SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context", e);
    }
    HealthCheck ping = check("ping", () -> CompletableFuture.completedFuture(null));
    HealthCheck etcd = check("etcd", () -> kv.get("/registry/health").handle((r, err) ->
        err == null ? null : ApiException.of(err).getMessage()));
    HealthCheck boot = check("poststarthook/bootstrap-namespaces", () -> CompletableFuture.completedFuture(
        bootstrapped.get() ? null : "not finished"));
    Map<String, HealthEndpoint> health = Map.of(
        "healthz", new HealthEndpoint("healthz", List.of(ping, etcd, boot)),
        "livez", new HealthEndpoint("livez", List.of(ping, etcd)),
        "readyz", new HealthEndpoint("readyz", List.of(ping, etcd, boot)));
    OpenApiV3 openApi = new OpenApiV3(registry);
    ApiHandler handler = new ApiHandler(new ApiHandler.Services(new Authenticator(tokens, serviceAccountTokens,
        this::serviceAccountUid), authorizer,
        new Discovery(registry), new ResourceHandler(registry, writeCondition, clock), health,
        ApiHandler.versionInfo(), openApi, new OpenApiV2(openApi)));
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(2);
    io.netty.channel.Channel ch = new ServerBootstrap().group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ApiServerInitializer(ssl, config.maxBodyBytes(), handler))
        .bind(config.bindAddress(), config.port()).sync().channel();
    address = (InetSocketAddress) ch.localAddress();
    listener = ch;
    LOG.info("{}: apiserver listening on https://{}:{}", config.nodeName(), address.getHostString(),
        address.getPort());
    registry.all().forEach(GenericStore::startWatchCache);
    bootstrap();
    return address;
  }

  private static HealthCheck check(String name, java.util.function.Supplier<CompletableFuture<String>> f) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletableFuture<String> check() {
        return f.get();
      }
    };
  }

  private void bootstrap() {
    GenericStore namespaces = registry.store("", "v1", NamespaceStrategy.INFO.resource()).orElseThrow();
    CompletableFuture<?>[] all = BOOTSTRAP_NAMESPACES.stream().map(name -> {
      ObjectNode ns = JsonNodeFactory.instance.objectNode();
      ns.putObject("metadata").put("name", name);
      return namespaces.create("", ns, WriteOptions.DEFAULT).handle((r, err) -> {
        if (err != null && ApiException.of(err).code() != 409) {
          throw ApiException.of(err);
        }
        return null;
      });
    }).toArray(CompletableFuture<?>[]::new);
    CompletableFuture<?>[] caches = registry.all().stream().map(GenericStore::startWatchCache)
        .toArray(CompletableFuture<?>[]::new);
    CompletableFuture.allOf(all).thenCompose(v -> CompletableFuture.allOf(caches)).whenComplete((v, err) -> {
      if (err == null) {
        bootstrapped.set(true);
        LOG.info("{}: bootstrap namespaces present, watch caches filled", config.nodeName());
        startKubernetesService();
      } else if (!closed) {
        LOG.warn("{}: bootstrap namespaces not created yet ({}); retrying", config.nodeName(),
            ApiException.of(err).getMessage());
        scheduler.schedule(this::bootstrap, 1, TimeUnit.SECONDS);
      }
    });
  }

  /** Starts this apiserver's master lease and the kubernetes Service / Endpoints reconciler. */
  private synchronized void startKubernetesService() {
    if (closed || kubernetesService != null) {
      return;
    }
    KubernetesService.Stores stores = new KubernetesService.Stores(store(ServiceStrategy.INFO.group(),
        ServiceStrategy.INFO.resource()), store("", EndpointsStrategy.INFO.resource()),
        store(EndpointSliceStrategy.INFO.group(), EndpointSliceStrategy.INFO.resource()));
    kubernetesService = new KubernetesService(config.nodeName(), kv, stores, config.advertiseAddress(),
        address.getPort(), config.serviceRange().first(), config.masterLeaseTtl(), scheduler);
    kubernetesService.start(config.masterLeaseTtl().dividedBy(3));
    serviceAccounts = new DefaultServiceAccounts(config.nodeName(), store("", NamespaceStrategy.INFO.resource()),
        store("", ServiceAccountStrategy.INFO.resource()), scheduler);
    serviceAccounts.start();
  }

  /** The uid of a service account, for token authentication: from the watch cache, else from the store. */
  private CompletableFuture<Optional<String>> serviceAccountUid(String namespace, String name) {
    GenericStore accounts = store("", ServiceAccountStrategy.INFO.resource());
    Optional<ObjectNode> cached = accounts.cached(namespace, name);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(Optional.of(Meta.uid(cached.get())));
    }
    return accounts.get(namespace, name).handle((sa, err) -> {
      if (err == null) {
        return Optional.of(Meta.uid(sa));
      }
      if (ApiException.of(err).code() == 404) {
        return Optional.empty();
      }
      throw ApiException.of(err);
    });
  }

  private GenericStore store(String group, String resource) {
    return registry.store(group, "v1", resource).orElseThrow();
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The serving certificate (signed by the cluster CA). */
  public CertifiedKey servingCertificate() {
    return serving;
  }

  /** Whether the bootstrap objects exist (readyz reports the same). */
  public boolean bootstrapped() {
    return bootstrapped.get();
  }

  /**
   * First step of a graceful stop: closes the listening socket, so load balancers get "connection refused" and
   * send new connections to another apiserver at once, while the connections already open are still served
   * until {@link #close()}.
   */
  public void stopAccepting() {
    io.netty.channel.Channel ch = listener;
    if (ch != null) {
      ch.close().syncUninterruptibly();
      LOG.info("{}: apiserver stopped accepting connections", config.nodeName());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (kubernetesService != null) {
      kubernetesService.close();
      serviceAccounts.close();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    registry.all().forEach(GenericStore::closeWatchCache);
    scheduler.shutdownNow();
    watchExecutor.shutdownNow();
    storeHealth.close();
    LOG.info("{}: apiserver stopped", config.nodeName());
  }
}
