package io.trireme.apiserver.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} Service (ClusterIP = first address of the service range, 443 → the apiserver port) and
 * its Endpoints and EndpointSlice, whose addresses are the apiservers holding a live key under
 * {@code /registry/masterleases/<ip>} (leased, TTL {@code leaseTtl}, renewed every reconcile). Every apiserver
 * runs this; the writes are idempotent and conflict-retried by the store.
 */
public final class KubernetesService implements AutoCloseable {
  public static final String LEASE_PREFIX = "/registry/masterleases/";
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesService.class);
  private static final String NS = "default";
  private static final String NAME = "kubernetes";

  /** The stores it writes through (so validation and allocation apply). */
  public record Stores(GenericStore services, GenericStore endpoints, GenericStore endpointSlices) {}

  private final String nodeName;
  private final EtcdKv kv;
  private final Stores stores;
  private final String ip;
  private final int port;
  private final String clusterIp;
  private final long leaseTtlSeconds;
  private final ScheduledExecutorService scheduler;
  private volatile long leaseId;
  private volatile boolean closed;
  private ScheduledFuture<?> task;
  private Duration interval = Duration.ofSeconds(5);

  public KubernetesService(String nodeName, EtcdKv kv, Stores stores, String ip, int port, String clusterIp,
      Duration leaseTtl, ScheduledExecutorService scheduler) {
    this.nodeName = nodeName;
    this.kv = kv;
    this.stores = stores;
    this.ip = ip;
    this.port = port;
    this.clusterIp = clusterIp;
    this.leaseTtlSeconds = Math.max(2, leaseTtl.toSeconds());
    this.scheduler = scheduler;
  }

  /** Reconciles now and then {@code interval} after each round ends (never blocking the scheduler). */
  public synchronized void start(Duration interval) {
    this.interval = interval;
    scheduler.execute(this::round);
  }

  private void round() {
    if (closed) {
      return;
    }
    reconcile().orTimeout(interval.toMillis() * 4, TimeUnit.MILLISECONDS).whenComplete((v, err) -> {
      if (err != null && !closed) {
        LOG.warn("{}: kubernetes service reconcile failed: {}", nodeName, ApiException.of(err).getMessage());
      }
      synchronized (this) {
        if (!closed) {
          task = scheduler.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    });
  }

  /** One round: renew (or take) this apiserver's lease, ensure the Service, write the Endpoints. */
  public CompletableFuture<Void> reconcile() {
    return renewLease().thenCompose(v -> ensureService()).thenCompose(v -> liveApiservers())
        .thenCompose(live -> writeEndpoints(live).thenCompose(x -> writeSlice(live)));
  }

  private CompletableFuture<Void> renewLease() {
    CompletableFuture<Long> alive = leaseId == 0 ? CompletableFuture.completedFuture(0L) : kv.keepAlive(leaseId);
    return alive.thenCompose(ttl -> {
      if (ttl > 0) {
        return CompletableFuture.completedFuture(null);
      }
      return kv.grantLease(leaseTtlSeconds).thenCompose(id -> {
        leaseId = id;
        ObjectNode value = JsonNodeFactory.instance.objectNode().put("ip", ip).put("port", port);
        RequestOp put = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(EtcdKv.bytes(LEASE_PREFIX + ip)).setValue(ByteString.copyFrom(Json.bytes(value))).setLease(id))
            .build();
        LOG.info("{}: apiserver lease {} for {}:{} (ttl {} s)", nodeName, Long.toHexString(id), ip, port,
            leaseTtlSeconds);
        return kv.txn(List.of(), List.of(put), List.of()).thenApply(r -> null);
      });
    });
  }

  private CompletableFuture<Void> ensureService() {
    ObjectNode svc = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = svc.putObject("metadata").put("name", NAME).put("namespace", NS);
    meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP").put("clusterIP", clusterIp)
        .put("sessionAffinity", "None");
    spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", port);
    return stores.services().get(NS, NAME).handle((cur, err) -> err).thenCompose(err -> {
      if (err == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (ApiException.of(err).code() != 404) {
        throw ApiException.of(err);
      }
      return ignoreConflict(stores.services().create(NS, svc, WriteOptions.DEFAULT));
    });
  }

  /** ip → port of every apiserver whose lease is live. */
  private CompletableFuture<Map<String, Integer>> liveApiservers() {
    return kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(LEASE_PREFIX))
        .setRangeEnd(EtcdKv.prefixEnd(LEASE_PREFIX)).build()).thenApply(r -> {
          Map<String, Integer> out = new TreeMap<>();
          for (KeyValue k : r.getKvsList()) {
            JsonNode v = Json.object(k.getValue().toByteArray());
            out.put(v.path("ip").asText(), v.path("port").asInt());
          }
          return out;
        });
  }

  private CompletableFuture<Void> writeEndpoints(Map<String, Integer> live) {
    ArrayNode subsets = JsonNodeFactory.instance.arrayNode();
    for (int p : new TreeSet<>(live.values())) {
      ObjectNode subset = subsets.addObject();
      ArrayNode addresses = subset.putArray("addresses");
      live.forEach((addr, at) -> {
        if (at == p) {
          addresses.addObject().put("ip", addr);
        }
      });
      subset.putArray("ports").addObject().put("name", "https").put("port", p).put("protocol", "TCP");
    }
    ObjectNode desired = JsonNodeFactory.instance.objectNode();
    desired.putObject("metadata").put("name", NAME).put("namespace", NS).putObject("labels")
        .put("endpointslice.kubernetes.io/skip-mirror", "true");
    desired.set("subsets", subsets);
    return upsert(stores.endpoints(), desired, "subsets");
  }

  private CompletableFuture<Void> writeSlice(Map<String, Integer> live) {
    ObjectNode desired = JsonNodeFactory.instance.objectNode().put("addressType", "IPv4");
    desired.putObject("metadata").put("name", NAME).put("namespace", NS).putObject("labels")
        .put("kubernetes.io/service-name", NAME);
    ArrayNode endpoints = desired.putArray("endpoints");
    live.keySet().forEach(addr -> {
      ObjectNode e = endpoints.addObject();
      e.putArray("addresses").add(addr);
      e.putObject("conditions").put("ready", true);
    });
    int p = live.isEmpty() ? port : live.values().iterator().next();
    desired.putArray("ports").addObject().put("name", "https").put("port", p).put("protocol", "TCP");
    return upsert(stores.endpointSlices(), desired, "endpoints", "ports");
  }

  /** Creates {@code desired}, or replaces the named top-level fields of the stored object when they differ. */
  private static CompletableFuture<Void> upsert(GenericStore store, ObjectNode desired, String... fields) {
    String name = Meta.name(desired);
    return store.get(NS, name).handle((cur, err) -> {
      if (err != null) {
        if (ApiException.of(err).code() != 404) {
          throw ApiException.of(err);
        }
        return ignoreConflict(store.create(NS, desired.deepCopy(), WriteOptions.DEFAULT));
      }
      boolean same = true;
      for (String f : fields) {
        same &= cur.path(f).equals(desired.path(f));
      }
      if (same) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      return store.mutate(NS, name, obj -> {
        for (String f : fields) {
          obj.set(f, desired.get(f).deepCopy());
        }
        return obj;
      }, WriteOptions.DEFAULT).thenApply(x -> (Void) null);
    }).thenCompose(f -> f);
  }

  private static CompletableFuture<Void> ignoreConflict(CompletableFuture<ObjectNode> write) {
    return write.handle((r, err) -> {
      if (err != null && ApiException.of(err).code() != 409) {
        throw ApiException.of(err);
      }
      return null;
    });
  }

  /** Stops reconciling and revokes this apiserver's lease, so the others drop it from the Endpoints at once. */
  @Override
  public synchronized void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
    if (leaseId != 0) {
      try {
        kv.revokeLease(leaseId).get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("{}: lease revoke failed (it expires by itself): {}", nodeName, e.toString());
      }
    }
  }
}
