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
}
