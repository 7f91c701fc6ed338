package io.trireme.node.cli;

import io.trireme.lb.BalancingPolicy;
import io.trireme.lb.LoadBalancer;
import io.trireme.lb.LoadBalancerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trireme lb}: the TCP load balancer alone, in the foreground until SIGTERM/SIGINT. */
@Command(name = "lb", mixinStandardHelpOptions = true,
    description = "Run the TCP load balancer alone in front of any TCP backends (stops on SIGTERM/SIGINT).")
public final class LbCommand implements Callable<Integer> {
  /** The {@code --balance} values, named as HAProxy names them. */
  enum Balance {
    roundrobin(BalancingPolicy.ROUND_ROBIN),
    leastconn(BalancingPolicy.LEAST_CONNECTIONS);

    final BalancingPolicy policy;

    Balance(BalancingPolicy policy) {
      this.policy = policy;
    }
  }

  @Option(names = "--listen", required = true, paramLabel = "<addr:port>", description = "where to accept clients")
  String listen;

  @Option(names = "--backend", required = true, paramLabel = "<addr:port>",
      description = "a backend (repeat the option for more)")
  List<String> backends;

  @Option(names = "--balance", defaultValue = "roundrobin", paramLabel = "<policy>",
      description = "roundrobin or leastconn (default: ${DEFAULT-VALUE})")
  Balance balance;

  @Override
  public Integer call() throws InterruptedException {
    LoadBalancerConfig config;
    try {
      config = LoadBalancerConfig.of(listen, backends).withPolicy(balance.policy);
    } catch (IllegalArgumentException e) {
      System.err.println("trireme lb: " + e.getMessage());
      return 2;
    }
    LoadBalancer lb = new LoadBalancer(config);
    Thread hook = new Thread(lb::close, "stop-lb");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      lb.start();
    } catch (RuntimeException e) {
      System.err.println("trireme lb: cannot start: " + e.getMessage());
      lb.close();
      return 1;
    }
    System.out.println("lb listening on " + lb.localAddress() + " (" + balance + ") -> " + String.join(", ", backends));
    lb.awaitClose();
    return 0;
  }
}
