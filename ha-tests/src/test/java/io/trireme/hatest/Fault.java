package io.trireme.hatest;

import java.time.Duration;

/** What a drill does to the VIP owner, and how the node comes back afterwards. */
sealed interface Fault {
  String name();

  void inject(NodeContainer node) throws Exception;

  void heal(NodeContainer node) throws Exception;

  /** The node's processes start anew on {@link #heal} (so its sampler must be started again). */
  default boolean restartsNode() {
    return true;
  }

  /** {@code docker kill -s KILL}; back with {@code docker start}. */
  record Kill() implements Fault {
    public String name() {
      return "kill";
    }

    public void inject(NodeContainer node) {
      node.kill();
    }

    public void heal(NodeContainer node) {
      node.restart();
    }
  }

  /** {@code docker pause}; back with {@code docker unpause}. The frozen node's kernel keeps its addresses. */
  record Pause() implements Fault {
    public String name() {
      return "pause";
    }

    public void inject(NodeContainer node) throws InterruptedException {
      node.pause();
    }

    public void heal(NodeContainer node) {
      node.unpause();
    }

    public boolean restartsNode() {
      return false;
    }
  }

  /** The host side of the node's veth goes down (see {@link NodeContainer#cutOff()}); back up to heal. */
  record CutOff() implements Fault {
    public String name() {
      return "cutoff";
    }

    public void inject(NodeContainer node) throws Exception {
      node.cutOff();
    }

    public void heal(NodeContainer node) throws Exception {
      node.reconnect();
    }

    public boolean restartsNode() {
      return false;
    }
  }

  /** {@code docker stop}: SIGTERM, the node's shutdown hook runs (the owner hands over); back with {@code docker start}. */
  record GracefulStop(Duration timeout) implements Fault {
    public String name() {
      return "stop";
    }

    public void inject(NodeContainer node) {
      long code = node.stopGracefully(timeout);
      if (code != 143 && code != 0) throw new AssertionError(node + " exited with " + code + " after SIGTERM");
    }

    public void heal(NodeContainer node) {
      node.restart();
    }
  }
}
