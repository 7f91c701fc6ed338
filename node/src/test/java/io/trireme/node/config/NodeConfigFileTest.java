package io.trireme.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trireme.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigFileTest {
  private static final Path ORIGIN = Path.of("/etc/trireme/node.yaml");
  private static final String MEMBERS = """
      members:
        - {name: node1, raftAddress: 127.0.0.11:2380, clientAddress: 127.0.0.11:2379}
        - {name: node2, raftAddress: 127.0.0.12:2380, clientAddress: 127.0.0.12:2379}
        - {name: node3, raftAddress: 127.0.0.13:2380, clientAddress: 127.0.0.13:2379}
      """;

  private static String yaml(String store) {
    return "name: node1\ndataDir: /var/lib/trireme/node1\nstore:\n" + store + MEMBERS;
  }

  @Test
  void parse_fullFile_buildsStoreConfigWithOverrides() throws Exception {
    NodeConfig c = NodeConfigFile.parse(yaml("""
          clientListen: 127.0.0.11:2379
          raftListen: 127.0.0.11:2380
          electionTimeoutMin: 500ms
          electionTimeoutMax: 1s
          snapshotEveryEntries: 500
        """), ORIGIN);

    StoreConfig s = c.storeConfig();
    assertThat(s.self()).isEqualTo("node1");
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/trireme/node1/store"));
    assertThat(s.members()).hasSize(3);
    assertThat(s.selfMember().clientAddress().getPort()).isEqualTo(2379);
    assertThat(s.electionTimeoutMin()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.snapshotEveryEntries()).isEqualTo(500);
    assertThat(c.pidFile()).isEqualTo(Path.of("/var/lib/trireme/node1/pid"));
  }

  @Test
  void parse_optionalStoreFieldsMissing_takesStoreDefaults() throws Exception {
    NodeConfig c = NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11:2379\n"), ORIGIN);
    StoreConfig defaults = StoreConfig.defaults("node1", Path.of("/x"), c.storeConfig().members());

    StoreConfig s = c.storeConfig();
    assertThat(s.electionTimeoutMin()).isEqualTo(defaults.electionTimeoutMin());
    assertThat(s.electionTimeoutMax()).isEqualTo(defaults.electionTimeoutMax());
    assertThat(s.clusterToken()).isEqualTo(defaults.clusterToken());
    assertThat(s.maxRequestBytes()).isEqualTo(defaults.maxRequestBytes());
  }

  @Test
  void toYaml_parse_roundTrips() throws Exception {
    NodeConfig c = NodeConfigFile.parse(yaml("""
          clientListen: 127.0.0.11:2379
          electionTimeoutMin: 250ms
          electionTimeoutMax: 2s
          progressNotifyInterval: 10m
        """), ORIGIN);

    assertThat(NodeConfigFile.parse(NodeConfigFile.toYaml(c), ORIGIN)).isEqualTo(c);
  }

  @Test
  void parse_unknownKey_namesKeyPathAndKnownKeys() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11:2379\n  bogus: 3\n"), ORIGIN))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/etc/trireme/node.yaml")
        .hasMessageContaining("unknown key 'bogus' at store.bogus")
        .hasMessageContaining("electionTimeoutMin");
  }

  @Test
  void parse_unknownTopLevelSection_isAnError() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11:2379\n") + "apiservr: {}\n", ORIGIN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'apiservr'");
  }

  @Test
  void parse_badDuration_saysWhatIsExpectedAndWhere() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  electionTimeoutMin: soon\n"), ORIGIN))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 4")
        .hasMessageContaining("expected a duration like 300ms")
        .hasMessageContaining("store.electionTimeoutMin");
  }

  @Test
  void parse_badAddress_saysWhichField() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11\n"), ORIGIN))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected host:port")
        .hasMessageContaining("store.clientListen");
  }

  @Test
  void parse_inconsistentElectionTimeouts_isAnError() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  electionTimeoutMin: 2s\n"), ORIGIN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("electionTimeoutMin < electionTimeoutMax");
  }

  @Test
  void parse_listenAddressDiffersFromMemberEntry_isAnError() {
    assertThatThrownBy(() -> NodeConfigFile.parse(yaml("  clientListen: 127.0.0.12:2379\n"), ORIGIN))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.clientListen 127.0.0.12:2379 differs from members[node1].clientAddress");
  }

  @Test
  void parse_selfNotAMember_isAnError() {
    String text = yaml("  {}\n").replace("name: node1\n", "name: node9\n");
    assertThatThrownBy(() -> NodeConfigFile.parse(text, ORIGIN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'node9' is not in members");
  }

  @Test
  void parse_missingName_isAnError() {
    String text = yaml("  {}\n").replace("name: node1\n", "");
    assertThatThrownBy(() -> NodeConfigFile.parse(text, ORIGIN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("name is required");
  }

  @Test
  void parse_duplicateMember_isAnError() {
    String text = yaml("  {}\n") + "  - {name: node2, raftAddress: 127.0.0.14:2380, clientAddress: 127.0.0.14:2379}\n";
    assertThatThrownBy(() -> NodeConfigFile.parse(text, ORIGIN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'node2' is listed twice");
  }

  @Test
  void parse_notYamlMapping_isAnErrorWithoutStackTraceText() {
    assertThatThrownBy(() -> NodeConfigFile.parse("- just\n- a list\n", ORIGIN))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void load_relativeDataDir_isResolvedAgainstTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, yaml("  {}\n").replace("dataDir: /var/lib/trireme/node1", "dataDir: data"));

    assertThat(NodeConfigFile.load(file).dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
  }

  @Test
  void load_missingFile_isAConfigError(@TempDir Path dir) {
    assertThatThrownBy(() -> NodeConfigFile.load(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageEndingWith("nope.yaml: no such file");
  }

  @Test
  void apiserverSection_optional_defaultsToNodeAddressPort6443() throws Exception {
    NodeConfig none = NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11:2379\n"), ORIGIN);
    NodeConfig set = NodeConfigFile.parse(yaml("  clientListen: 127.0.0.11:2379\n")
        + "apiserver: {listen: 127.0.0.11:7443, tokenFile: /etc/trireme/tokens.csv}\n", ORIGIN);

    assertThat(none.apiServerListen()).isEqualTo(new HostPort("127.0.0.11", 6443));
    assertThat(set.apiServerListen()).isEqualTo(new HostPort("127.0.0.11", 7443));
    assertThat(set.apiserver().tokenFile()).isEqualTo(Path.of("/etc/trireme/tokens.csv"));
    assertThat(NodeConfigFile.parse(NodeConfigFile.toYaml(set), ORIGIN)).isEqualTo(set);
  }

  private static final String VIP_KEY = "0123456789abcdef0123";

  private static NodeConfig withSections(String sections) throws ConfigException {
    return NodeConfigFile.parse("name: node2\ndataDir: /d\nstore: {}\n" + MEMBERS + sections, ORIGIN);
  }

  @Test
  void vipSection_ipMode_buildsUnicastVipConfigToTheOtherMembers() throws Exception {
    NodeConfig c = withSections("""
        lb: {listen: 127.0.0.12:17443, balance: leastconn}
        status: {listen: 127.0.0.12:9381}
        vip:
          address: 172.28.0.100
          mode: ip
          interface: eth0
          prefixLength: 16
          port: 5000
          vrid: 7
          advertInterval: 200ms
          preempt: false
          authKey: %s
        """.formatted(VIP_KEY));

    var v = c.vipConfig();
    assertThat(v.mode()).isEqualTo(io.trireme.vip.VipConfig.Mode.IP);
    assertThat(v.iface()).isEqualTo("eth0");
    assertThat(v.prefixLength()).isEqualTo(16);
    assertThat(v.vrid()).isEqualTo(7);
    assertThat(v.priority()).isEqualTo(150);
    assertThat(v.preempt()).isFalse();
    assertThat(v.advertInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(v.bind()).isEqualTo(new java.net.InetSocketAddress("127.0.0.12", 5000));
    assertThat(v.peers()).containsExactly(new java.net.InetSocketAddress("127.0.0.11", 5000),
        new java.net.InetSocketAddress("127.0.0.13", 5000));
    assertThat(c.lbListen()).isEqualTo(new HostPort("127.0.0.12", 17443));
    assertThat(c.vipFrontend()).isEqualTo(new HostPort("172.28.0.100", 17443));
    assertThat(c.statusListen()).isEqualTo(new HostPort("127.0.0.12", 9381));
    assertThat(c.apiServers()).containsExactly(new HostPort("127.0.0.11", 6443), new HostPort("127.0.0.12", 6443),
        new HostPort("127.0.0.13", 6443));
    assertThat(NodeConfigFile.toYaml(c)).contains("interface: eth0").doesNotContain("iface");
  }

  @Test
  void vipSection_defaults_loopbackOn127_0_0_100_prioritiesSpacedByPosition() throws Exception {
    NodeConfig c = withSections("vip: {authKey: " + VIP_KEY + "}\n");

    assertThat(c.vipConfig().mode()).isEqualTo(io.trireme.vip.VipConfig.Mode.LOOPBACK);
    assertThat(c.vipConfig().vip().getHostAddress()).isEqualTo("127.0.0.100");
    assertThat(c.vipFrontend()).isEqualTo(new HostPort("127.0.0.100", 16443));
    assertThat(c.lbListen()).isEqualTo(new HostPort("127.0.0.12", 16443));
    assertThat(c.statusListen()).isEqualTo(new HostPort("127.0.0.12", 2381));
    var layout = io.trireme.node.cluster.ClusterLayout.plan(Path.of("/tmp/c"),
        java.util.List.of("127.0.0.11", "127.0.0.12", "127.0.0.13"));
    assertThat(layout.nodes()).extracting(NodeConfig::vipPriority).containsExactly(250, 150, 50);
    String key = layout.nodes().get(0).vip().authKey();
    assertThat(key).hasSizeGreaterThanOrEqualTo(32);
    assertThat(layout.nodes()).extracting(n -> n.vip().authKey()).containsOnly(key);
    assertThat(io.trireme.node.cluster.ClusterLayout.plan(Path.of("/tmp/c"), java.util.List.of("127.0.0.11"))
        .nodes().get(0).vip().authKey()).isNotEqualTo(key);
  }

  @Test
  void vipSection_badValues_areClearErrors() {
    assertThatThrownBy(() -> withSections("vip: {authKey: short}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("vip.authKey is required and must have at least 16 characters");
    assertThatThrownBy(() -> withSections("vip: {authKey: " + VIP_KEY + ", mode: ip, address: 10.0.0.5}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mode ip needs iface");
    assertThatThrownBy(() -> withSections("vip: {authKey: " + VIP_KEY + ", mode: arp}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vip.mode must be loopback or ip");
    assertThatThrownBy(() -> withSections("vip: {authKey: " + VIP_KEY + ", address: 10.0.0.5}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mode loopback needs a VIP in 127.0.0.0/8");
    assertThatThrownBy(() -> withSections("vip: {authKey: " + VIP_KEY + ", vrid: 300}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vrid must be 1..255");
    assertThatThrownBy(() -> withSections("vip: {authKey: " + VIP_KEY + ", iface: eth0}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'iface'");
    assertThatThrownBy(() -> withSections("lb: {balance: random}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("lb.balance must be roundrobin or leastconn");
  }
}
