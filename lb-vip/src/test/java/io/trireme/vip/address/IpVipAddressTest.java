package io.trireme.vip.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IpVipAddressTest {

    private static final String ALL_CAPS = "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\n";
    private static final String NO_CAPS = "Name:\tjava\nCapEff:\t0000000000000000\n";
    private static final String ETH0 = """
            2: eth0    inet 172.20.0.11/16 brd 172.20.255.255 scope global eth0\\       valid_lft forever preferred_lft forever
            2: eth0    inet6 fe80::42:acff:fe14:b/64 scope link \\       valid_lft forever preferred_lft forever""";

    /** Records every command; answers from a script keyed by the command line. */
    private static final class ScriptedRunner implements CommandRunner {
        final List<String> commands = new CopyOnWriteArrayList<>();
        Function<String, Result> script;

        ScriptedRunner(Function<String, Result> script) {
            this.script = script;
        }

        @Override
        public Result run(List<String> argv, Duration timeout) throws IOException {
            String line = String.join(" ", argv);
            commands.add(line);
            Result r = script.apply(line);
            if (r == null) {
                throw new IOException("Cannot run program \"" + argv.get(0) + "\": error=2, No such file or directory");
            }
            return r;
        }
    }

    private static final class RecordingFrontend implements FrontendBinding {
        final List<String> calls = new ArrayList<>();
        boolean fail;

        @Override
        public void bind(InetAddress vip) throws IOException {
            if (fail) {
                throw new java.net.BindException("Address already in use");
            }
            calls.add("bind " + vip.getHostAddress());
        }

        @Override
        public void unbind(InetAddress vip) {
            calls.add("unbind " + vip.getHostAddress());
        }
    }

    private static CommandRunner.Result ok(String out) {
        return new CommandRunner.Result(0, out);
    }

    private static Function<String, CommandRunner.Result> healthyHost(String ipOutput) {
        return line -> {
            if (line.equals("arping -V")) {
                return ok("arping from iputils 20221126");
            }
            if (line.startsWith("ip -o addr show dev eth0")) {
                return ok(ipOutput);
            }
            if (line.startsWith("ip -o addr show")) {
                return new CommandRunner.Result(1, "Device \"eth9\" does not exist.");
            }
            if (line.startsWith("ip addr") || line.startsWith("arping")) {
                return ok("");
            }
            return null;
        };
    }

    private final List<IpVipAddress> created = new ArrayList<>();
    private final RecordingFrontend frontend = new RecordingFrontend();

    private IpVipAddress address(String vip, String iface, ScriptedRunner runner, String caps) throws Exception {
        IpVipAddress a = new IpVipAddress("n1", InetAddress.getByName(vip), 32, iface, frontend, runner, () -> caps, 3,
                Duration.ofMillis(200));
        created.add(a);
        return a;
    }

    @AfterEach
    void close() {
        created.forEach(IpVipAddress::close);
    }

    @Test
    void preflight_allGood_checksToolsAndSubnet() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        address("172.20.0.100", "eth0", runner, ALL_CAPS).preflight();
        assertThat(runner.commands).containsExactly("arping -V", "ip -o addr show dev eth0");
    }

    @Test
    void preflight_missingCapabilities_isAClearError() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        assertThatThrownBy(() -> address("172.20.0.100", "eth0", runner, NO_CAPS).preflight())
                .isInstanceOf(AddressException.class)
                .hasMessageContaining("NET_ADMIN").hasMessageContaining("NET_RAW").hasMessageContaining("--cap-add");
        String onlyAdmin = "CapEff:\t" + Long.toHexString(1L << 12) + "\n";
        assertThatThrownBy(() -> address("172.20.0.100", "eth0", runner, onlyAdmin).preflight())
                .hasMessageContaining("NET_RAW").hasMessageNotContaining("NET_ADMIN (");
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void preflight_vipOutsideSubnet_isAClearError() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        assertThatThrownBy(() -> address("10.9.0.100", "eth0", runner, ALL_CAPS).preflight())
                .isInstanceOf(AddressException.class)
                .hasMessageContaining("10.9.0.100 is outside the subnets of eth0 [172.20.0.11/16]");
    }

    @Test
    void preflight_unknownInterface_orMissingTools_areClearErrors() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        assertThatThrownBy(() -> address("172.20.0.100", "eth9", runner, ALL_CAPS).preflight())
                .hasMessageContaining("cannot read the addresses of interface eth9").hasMessageContaining("does not exist");
        ScriptedRunner noArping = new ScriptedRunner(line -> line.startsWith("arping") ? null : ok(ETH0));
        assertThatThrownBy(() -> address("172.20.0.100", "eth0", noArping, ALL_CAPS).preflight())
                .hasMessageContaining("install iputils-arping");
        ScriptedRunner habets = new ScriptedRunner(line -> line.startsWith("arping") ? ok("ARPing 2.21, by Thomas Habets")
                : ok(ETH0));
        assertThatThrownBy(() -> address("172.20.0.100", "eth0", habets, ALL_CAPS).preflight())
                .hasMessageContaining("not iputils arping");
    }

    @Test
    void preflight_staleVipFromACrash_isRemoved() throws Exception {
        String withStale = ETH0 + "\n2: eth0    inet 172.20.0.100/32 scope global eth0\\       valid_lft forever";
        ScriptedRunner runner = new ScriptedRunner(healthyHost(withStale));
        address("172.20.0.100", "eth0", runner, ALL_CAPS).preflight();
        assertThat(runner.commands).contains("ip addr del 172.20.0.100/32 dev eth0");
    }

    @Test
    void acquire_addsAddressBindsFrontendAndSendsBothGarpForms_thenReannounces() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);

        a.acquire();

        assertThat(a.isHeld()).isTrue();
        assertThat(runner.commands.get(0)).isEqualTo("ip addr add 172.20.0.100/32 dev eth0");
        assertThat(frontend.calls).containsExactly("bind 172.20.0.100");
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.commands.containsAll(List.of(
                "arping -q -U -c 3 -I eth0 172.20.0.100", "arping -q -A -c 3 -I eth0 172.20.0.100",
                "arping -q -U -c 1 -I eth0 172.20.0.100", "arping -q -A -c 1 -I eth0 172.20.0.100")));

        a.release();

        assertThat(a.isHeld()).isFalse();
        assertThat(runner.commands).contains("ip addr del 172.20.0.100/32 dev eth0");
        assertThat(frontend.calls).containsExactly("bind 172.20.0.100", "unbind 172.20.0.100");
        a.close();
        int afterClose = runner.commands.size();
        // no re-announcement once released: the count stays put for several announcement periods
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                .until(() -> runner.commands.size() == afterClose);
    }

    @Test
    void acquire_addressAlreadyPresent_isTolerated() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(line -> line.startsWith("ip addr add")
                ? new CommandRunner.Result(2, "RTNETLINK answers: File exists") : ok(""));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);
        a.acquire();
        assertThat(a.isHeld()).isTrue();
    }

    @Test
    void acquire_addressAlreadyPresent_newIproute2Wording_isTolerated() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(line -> line.startsWith("ip addr add")
                ? new CommandRunner.Result(2, "Error: ipv4: Address already assigned.") : ok(""));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);
        a.acquire();
        assertThat(a.isHeld()).isTrue();
    }

    @Test
    void release_addressAlreadyGone_newIproute2Wording_isTolerated() {
        assertThat(IpVipAddress.alreadyGone("Error: ipv4: Address not found.")).isTrue();
        assertThat(IpVipAddress.alreadyGone("Error: Operation not permitted")).isFalse();
        assertThat(IpVipAddress.alreadyAssigned("Error: Operation not permitted")).isFalse();
    }

    @Test
    void acquire_ipFails_holdsNothingAndSaysWhy() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(line -> line.startsWith("ip addr add")
                ? new CommandRunner.Result(2, "RTNETLINK answers: Operation not permitted") : ok(""));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);
        assertThatThrownBy(a::acquire).isInstanceOf(AddressException.class)
                .hasMessageContaining("Operation not permitted");
        assertThat(a.isHeld()).isFalse();
        assertThat(frontend.calls).isEmpty();
    }

    @Test
    void acquire_frontendCannotBind_removesTheAddressAgain() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);
        frontend.fail = true;
        assertThatThrownBy(a::acquire).isInstanceOf(AddressException.class).hasMessageContaining("frontend");
        assertThat(a.isHeld()).isFalse();
        assertThat(runner.commands).containsExactly("ip addr add 172.20.0.100/32 dev eth0",
                "ip addr del 172.20.0.100/32 dev eth0");
    }

    @Test
    void release_addressAlreadyGone_isTolerated() throws Exception {
        ScriptedRunner runner = new ScriptedRunner(line -> line.startsWith("ip addr del")
                ? new CommandRunner.Result(2, "RTNETLINK answers: Cannot assign requested address") : ok(""));
        IpVipAddress a = address("172.20.0.100", "eth0", runner, ALL_CAPS);
        a.acquire();
        a.release();
        assertThat(a.isHeld()).isFalse();
    }

    @Test
    void constructor_rejectsIpv6AndBadInterfaceNames() {
        ScriptedRunner runner = new ScriptedRunner(healthyHost(ETH0));
        assertThatThrownBy(() -> address("fd00::10", "eth0", runner, ALL_CAPS)).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> address("172.20.0.100", "eth0; rm -rf /", runner, ALL_CAPS))
                .hasMessageContaining("not a valid interface name");
    }

    @Test
    void interfaceAddress_parsesAndMatchesSubnets() throws Exception {
        List<InterfaceAddress> parsed = InterfaceAddress.parse(ETH0);
        assertThat(parsed).hasSize(1);
        assertThat(parsed.get(0).contains((java.net.Inet4Address) InetAddress.getByName("172.20.200.1"))).isTrue();
        assertThat(parsed.get(0).contains((java.net.Inet4Address) InetAddress.getByName("172.21.0.1"))).isFalse();
    }
}
