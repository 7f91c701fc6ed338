package io.trireme.node.config;

/** A node configuration that cannot be read or does not make sense; the message is one line meant for people. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
