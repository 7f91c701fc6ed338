package io.trireme.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Per-process logging settings: every line leads with the node name (see {@code logback.xml}). */
public final class Logging {
  /** The logback property the pattern prints first on every line. */
  public static final String NODE_PROPERTY = "trireme.node";

  private Logging() {}

  /** Before anything logs: lines of a CLI process lead with "trireme". */
  static void initDefaults() {
    if (System.getProperty(NODE_PROPERTY) == null) System.setProperty(NODE_PROPERTY, "trireme");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /** This process runs node {@code name}: its lines lead with that name. */
  public static void forNode(String name) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) ctx.putProperty(NODE_PROPERTY, name);
  }

  /** A short-lived CLI command: only warnings and errors from libraries, the command prints its own output. */
  public static void forCli() {
    if (System.getProperty("trireme.log.level") != null) return;
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.WARN);
  }
}
