package io.trireme.apiserver.controlplane;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.ListOptions;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.WatchSink;
import io.trireme.apiserver.registry.generic.WriteOptions;
import io.trireme.apiserver.status.ApiException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service account controller's job: every active namespace has a {@code default} ServiceAccount. It
 * watches namespaces (and default accounts, to put back a deleted one) and creates what is missing; every
 * apiserver runs it, creates are idempotent (409 is success). A failed watch restarts after a second.
 */
public final class DefaultServiceAccounts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultServiceAccounts.class);
  private static final String NAME = "default";

  private final String nodeName;
  private final GenericStore namespaces;
  private final GenericStore accounts;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;
  private volatile AutoCloseable nsWatch;
  private volatile AutoCloseable saWatch;

  public DefaultServiceAccounts(String nodeName, GenericStore namespaces, GenericStore accounts,
      ScheduledExecutorService scheduler) {
    this.nodeName = nodeName;
    this.namespaces = namespaces;
    this.accounts = accounts;
    this.scheduler = scheduler;
  }

  public void start() {
    watchNamespaces();
    watchAccounts();
  }

  private void watchNamespaces() {
    if (closed) {
      return;
    }
    nsWatch = namespaces.watch("", ListOptions.ALL, sink(this::watchNamespaces, (type, ns) -> {
      if (!type.equals("DELETED") && !Meta.deleting(ns)) {
        ensure(Meta.name(ns));
      }
    }));
  }

  private void watchAccounts() {
    if (closed) {
      return;
    }
    saWatch = accounts.watch("", ListOptions.ALL, sink(this::watchAccounts, (type, sa) -> {
      if (type.equals("DELETED") && Meta.name(sa).equals(NAME)) {
        ensure(Meta.namespace(sa));
      }
    }));
  }

  /** Creates the default account of {@code namespace} unless it exists or the namespace is going away. */
  private void ensure(String namespace) {
    ObjectNode sa = JsonNodeFactory.instance.objectNode();
    sa.putObject("metadata").put("name", NAME).put("namespace", namespace);
    accounts.create(namespace, sa, WriteOptions.DEFAULT).whenComplete((r, err) -> {
      if (err == null) {
        LOG.debug("{}: created serviceaccount {}/default", nodeName, namespace);
        return;
      }
      int code = ApiException.of(err).code();
      if (code != 409 && code != 403 && code != 404 && !closed) {
        LOG.warn("{}: cannot create serviceaccount {}/default: {}", nodeName, namespace,
            ApiException.of(err).getMessage());
        scheduler.schedule(() -> ensure(namespace), 1, TimeUnit.SECONDS);
      }
    });
  }

  /** What a watch event means to this controller. */
  private interface Handler {
    void handle(String type, ObjectNode obj);
  }

  private WatchSink sink(Runnable restart, Handler handler) {
    return new WatchSink() {
      @Override
      public void event(String type, ObjectNode object) {
        if (!type.equals("BOOKMARK")) {
          handler.handle(type, object);
        }
      }

      @Override
      public void error(ApiException e) {
        if (!closed) {
          LOG.info("{}: service account controller watch ended ({}); restarting", nodeName, e.getMessage());
          scheduler.schedule(restart, 1, TimeUnit.SECONDS);
        }
      }

      @Override
      public void end() {
        if (!closed) {
          scheduler.schedule(restart, 1, TimeUnit.SECONDS);
        }
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    for (AutoCloseable w : new AutoCloseable[] {nsWatch, saWatch}) {
      try {
        if (w != null) {
          w.close();
        }
      } catch (Exception ignored) {
        // closing a watch only releases its store stream
      }
    }
  }
}
