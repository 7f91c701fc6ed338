// Bench-only launcher for Trireme's load balancer, run as a single source file (not product code):
//   java -cp "<lb-vip jar>:<its dependencies>" benchmarks/lb/LbLaunch.java --listen 127.0.0.1:18080 \
//        --backend 127.0.0.1:18081 [--backend ...] [--threads N] [--policy ROUND_ROBIN|LEAST_CONNECTIONS] [--nio] [--no-reuseport]
// A standalone balancer binds its listen address once per I/O thread (SO_REUSEPORT) unless --no-reuseport.
// It mirrors what `bin/trireme lb` does once the node wires it; stop it with SIGTERM.
import io.trireme.lb.BalancingPolicy;
import io.trireme.lb.LoadBalancer;
import io.trireme.lb.LoadBalancerConfig;
import java.util.ArrayList;
import java.util.List;

public class LbLaunch {
    public static void main(String[] args) throws Exception {
        String listen = null;
        List<String> backends = new ArrayList<>();
        int threads = Runtime.getRuntime().availableProcessors();
        BalancingPolicy policy = BalancingPolicy.ROUND_ROBIN;
        boolean nativeTransport = true;
        boolean reusePort = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--listen" -> listen = args[++i];
                case "--backend" -> backends.add(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--policy" -> policy = BalancingPolicy.valueOf(args[++i]);
                case "--nio" -> nativeTransport = false;
                case "--no-reuseport" -> reusePort = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (listen == null || backends.isEmpty()) {
            throw new IllegalArgumentException("usage: --listen addr:port --backend addr:port [--backend ...]");
        }
        LoadBalancer lb = new LoadBalancer(LoadBalancerConfig.of(listen, backends)
                .withIoThreads(threads).withPolicy(policy).withNativeTransport(nativeTransport).withReusePort(reusePort)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(lb::close));
        System.out.println("trireme lb listening on " + lb.localAddress() + " (epoll=" + lb.nativeTransport() + ")");
        lb.awaitClose();
    }
}
