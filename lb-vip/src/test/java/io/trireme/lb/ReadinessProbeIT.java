package io.trireme.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS {@code /readyz} health checks against real TLS servers on 127.0.0.1, with certificates made by the JDK's
 * {@code keytool} (a self-signed certificate with {@code IP:127.0.0.1} is its own CA here).
 */
class ReadinessProbeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    private static Path serverKeys;
    private static Path serverCa;
    private static Path otherCa;

    private final AtomicInteger readyzStatus = new AtomicInteger(200);
    /** The client port of every {@code /readyz} request, in order. */
    private final List<Integer> checkPorts = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        serverKeys = dir.resolve("server.p12");
        serverCa = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=apiserver", "-ext", "san=ip:127.0.0.1", "-keystore", serverKeys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass", PASSWORD,
                "-file", serverCa.toString());
        Path other = dir.resolve("other.p12");
        otherCa = dir.resolve("other.pem");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=someone-else", "-ext", "san=ip:127.0.0.1", "-keystore", other.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", other.toString(), "-storepass", PASSWORD,
                "-file", otherCa.toString());
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    /** An HTTPS server on {@code bindHost} answering {@code /readyz} with {@link #readyzStatus}. */
    private BackendAddress apiserver(String bindHost) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(serverKeys)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(bindHost), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/readyz", exchange -> {
            checkPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = (readyzStatus.get() == 200 ? "ok" : "not ready").getBytes();
            exchange.sendResponseHeaders(readyzStatus.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        return new BackendAddress(bindHost, server.getAddress().getPort());
    }

    private LoadBalancer lb(BackendAddress backend, ReadinessProbe probe) {
        HealthCheckSettings checks = HealthCheckSettings.DEFAULTS
                .withTiming(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2)
                .withReadiness(probe);
        LoadBalancer lb = new LoadBalancer(LoadBalancerConfig.of(new BackendAddress("127.0.0.1", 0), List.of(backend))
                .withHealthCheck(checks)).start();
        cleanup.add(lb);
        return lb;
    }

    private static BackendStatus only(LoadBalancer lb) {
        return lb.backends().get(0);
    }

    private static void awaitState(LoadBalancer lb, BackendState state) {
        await().atMost(WAIT).until(() -> only(lb).state() == state);
    }

    @Test
    void readyz200_verifiedAgainstTheCaPem_backendUp() throws Exception {
        LoadBalancer lb = lb(apiserver("127.0.0.1"), ReadinessProbe.readyz(serverCa));

        awaitState(lb, BackendState.UP);
        assertThat(lb.hasHealthyBackend()).isTrue();
    }

    @Test
    void readyzNot200_backendDown_andUpAgainWhenReady() throws Exception {
        LoadBalancer lb = lb(apiserver("127.0.0.1"), ReadinessProbe.readyz(serverCa));
        awaitState(lb, BackendState.UP);

        readyzStatus.set(500);
        awaitState(lb, BackendState.DOWN);
        assertThat(only(lb).lastFailure()).contains("500");

        readyzStatus.set(200);
        awaitState(lb, BackendState.UP);
    }

    @Test
    void passingChecks_reuseOneKeptAliveConnection() throws Exception {
        LoadBalancer lb = lb(apiserver("127.0.0.1"), ReadinessProbe.readyz(serverCa));
        awaitState(lb, BackendState.UP);

        await().atMost(WAIT).until(() -> checkPorts.size() >= 6);
        assertThat(java.util.Set.copyOf(checkPorts)).hasSize(1);
    }

    @Test
    void keptConnection_backendStops_turnsDown() throws Exception {
        BackendAddress backend = apiserver("127.0.0.1");
        LoadBalancer lb = lb(backend, ReadinessProbe.readyz(serverCa));
        awaitState(lb, BackendState.UP);
        await().atMost(WAIT).until(() -> checkPorts.size() >= 3);

        cleanup.remove(cleanup.size() - 2).close(); // the HTTPS server (the LB was added after it)

        awaitState(lb, BackendState.DOWN);
    }

    @Test
    void certificateFromAnotherCa_backendDown() throws Exception {
        LoadBalancer lb = lb(apiserver("127.0.0.1"), ReadinessProbe.readyz(otherCa));

        awaitState(lb, BackendState.DOWN);
        assertThat(only(lb).lastFailure()).containsIgnoringCase("certification path");
    }

    @Test
    void certificateNotNamingTheBackendAddress_downWithVerification_upWithout() throws Exception {
        BackendAddress on127002 = apiserver("127.0.0.2");

        LoadBalancer verifying = lb(on127002, ReadinessProbe.readyz(serverCa));
        awaitState(verifying, BackendState.DOWN);
        assertThat(only(verifying).lastFailure()).contains("127.0.0.2");

        LoadBalancer lenient = lb(on127002, ReadinessProbe.readyz(serverCa).withVerifyHostname(false));
        awaitState(lenient, BackendState.UP);
    }

    @Test
    void backendAcceptsAndNeverAnswers_turnsDown() throws Exception {
        ServerSocket hanging = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        cleanup.add(() -> {
            hanging.close();
            for (Socket s : held) {
                s.close();
            }
        });
        Thread acceptor = new Thread(() -> {
            while (!hanging.isClosed()) {
                try {
                    held.add(hanging.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "hanging-accept");
        acceptor.setDaemon(true);
        acceptor.start();

        LoadBalancer lb = lb(new BackendAddress("127.0.0.1", hanging.getLocalPort()), ReadinessProbe.readyz(serverCa));

        awaitState(lb, BackendState.DOWN);
        assertThat(only(lb).lastFailure()).contains("no answer within 500 ms");
        assertThat(held).isNotEmpty();
    }
}
