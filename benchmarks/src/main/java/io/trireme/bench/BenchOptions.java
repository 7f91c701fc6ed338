package io.trireme.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options of one {@link StoreBench} run, parsed once from the command line and validated here.
 *
 * @param endpoints    etcd v3 client endpoints, {@code host:port}
 * @param phases       phases to run, in the canonical order of {@link Phase}
 * @param duration     measured time per load phase
 * @param warmup       unmeasured time before each load phase
 * @param maxOps       upper bound on operations per load phase (the phase ends at whichever comes first)
 * @param valueSize    value size in bytes
 * @param keysPerClient keys per client; puts cycle through {@code /bench/<client>/<n mod keysPerClient>}
 * @param putClients   client counts of the concurrent put phase
 * @param linClients   client counts of the linearizable range phase
 * @param serClients   client counts of the serializable range phase
 * @param rangeKeys    keys written before the range phases, read back at random
 * @param watchRate    puts per second during the watch phase (open loop, spread over the endpoints)
 * @param trials       failover trials
 * @param killCmd      shell command that kills one member (placeholders, see {@link MemberCommand})
 * @param restartCmd   shell command that brings the killed member back (must return once it is started)
 * @param phaseSuffix  appended to the load phases' labels (e.g. {@code @after-check-perf}), may be empty
 * @param system       label written into every JSON line (e.g. etcd, trireme)
 * @param run          run number written into every JSON line
 * @param out          JSON-lines file to append to, or null
 * @param cmdLog       file that receives the output of the kill/restart commands, or null to discard it
 */
public record BenchOptions(
    List<String> endpoints,
    Set<Phase> phases,
    Duration duration,
    Duration warmup,
    long maxOps,
    int valueSize,
    int keysPerClient,
    List<Integer> putClients,
    List<Integer> linClients,
    List<Integer> serClients,
    int rangeKeys,
    int watchRate,
    int trials,
    String killCmd,
    String restartCmd,
    String phaseSuffix,
    String system,
    int run,
    Path out,
    Path cmdLog) {

  /** The phases, in the order they run. */
  public enum Phase {
    SEQ_PUT("seq-put"), PUT("put"), RANGE_LIN("range-lin"), RANGE_SER("range-ser"), WATCH("watch"),
    FAILOVER("failover");

    private final String cliName;

    Phase(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    static Phase of(String name) {
      for (Phase p : values()) {
        if (p.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown phase '" + name + "'; known: "
          + Arrays.stream(values()).map(Phase::cliName).toList());
    }
  }

  public static final String USAGE = """
      usage: StoreBench --endpoints h:p[,h:p...] [options]
        --phases LIST        seq-put,put,range-lin,range-ser,watch,failover (default: all but failover)
        --duration SECONDS   measured time per load phase (default 20)
        --warmup SECONDS     unmeasured time before each load phase (default 1)
        --max-ops N          bound on operations per load phase (default 2000000)
        --value-size BYTES   value size (default 256)
        --keys-per-client N  key space per client /bench/<client>/<n> (default 1000)
        --put-clients LIST   (default 16,64,256)
        --lin-clients LIST   (default 16,64)
        --ser-clients LIST   (default 64)
        --range-keys N       keys read by the range phases (default 1000)
        --watch-rate N       puts/s during the watch phase (default 500)
        --trials N           failover trials (default 5)
        --kill-cmd CMD       sh command killing a member; {name} {id} {endpoint} {host} {port} {index}
        --restart-cmd CMD    sh command restarting it (same placeholders; must return once started)
        --phase-suffix TEXT  appended to the load phases' labels, e.g. @after-check-perf
        --system LABEL       label in the JSON lines (default: store)
        --run N              run number in the JSON lines (default 1)
        --out FILE           append one JSON line per metric to FILE
        --cmd-log FILE       append the output of kill/restart commands to FILE
      """;

  public BenchOptions {
    endpoints = List.copyOf(endpoints);
    phases = Set.copyOf(phases);
    putClients = List.copyOf(putClients);
    linClients = List.copyOf(linClients);
    serClients = List.copyOf(serClients);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("--endpoints is required");
    }
    for (String e : endpoints) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException("endpoint '" + e + "' is not host:port");
      }
      Integer.parseInt(e.substring(colon + 1));
    }
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("--phases selects nothing");
    }
    requirePositive("--duration", duration.toMillis());
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative");
    }
    requirePositive("--max-ops", maxOps);
    requirePositive("--value-size", valueSize);
    if (valueSize < 16) {
      throw new IllegalArgumentException("--value-size must be at least 16 (the watch phase stamps values)");
    }
    requirePositive("--keys-per-client", keysPerClient);
    requirePositive("--range-keys", rangeKeys);
    requirePositive("--watch-rate", watchRate);
    requirePositive("--trials", trials);
    requirePositive("--run", run);
    for (List<Integer> counts : List.of(putClients, linClients, serClients)) {
      for (int c : counts) {
        requirePositive("client count", c);
      }
    }
    if (phases.contains(Phase.FAILOVER)) {
      if (killCmd == null || restartCmd == null) {
        throw new IllegalArgumentException("the failover phase needs --kill-cmd and --restart-cmd");
      }
      if (endpoints.size() < 3) {
        throw new IllegalArgumentException("the failover phase needs at least 3 endpoints");
      }
    }
    phaseSuffix = phaseSuffix == null ? "" : phaseSuffix.strip();
    if (system == null || system.isBlank()) {
      throw new IllegalArgumentException("--system must not be blank");
    }
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Parses {@code args}; throws IllegalArgumentException with a readable message on bad input. */
  public static BenchOptions parse(String... args) {
    List<String> endpoints = List.of();
    Set<Phase> phases = new LinkedHashSet<>(
        List.of(Phase.SEQ_PUT, Phase.PUT, Phase.RANGE_LIN, Phase.RANGE_SER, Phase.WATCH));
    Duration duration = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(1);
    long maxOps = 2_000_000;
    int valueSize = 256;
    int keysPerClient = 1000;
    List<Integer> putClients = List.of(16, 64, 256);
    List<Integer> linClients = List.of(16, 64);
    List<Integer> serClients = List.of(64);
    int rangeKeys = 1000;
    int watchRate = 500;
    int trials = 5;
    String killCmd = null;
    String restartCmd = null;
    String phaseSuffix = "";
    String system = "store";
    int run = 1;
    Path out = null;
    Path cmdLog = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + flag);
      }
      String v = args[++i];
      switch (flag) {
        case "--endpoints" -> endpoints = splitList(v);
        case "--phases" -> {
          phases = new LinkedHashSet<>();
          for (String p : splitList(v)) {
            phases.add(Phase.of(p));
          }
        }
        case "--duration" -> duration = seconds(flag, v);
        case "--warmup" -> warmup = seconds(flag, v);
        case "--max-ops" -> maxOps = number(flag, v);
        case "--value-size" -> valueSize = (int) number(flag, v);
        case "--keys-per-client" -> keysPerClient = (int) number(flag, v);
        case "--put-clients" -> putClients = numbers(flag, v);
        case "--lin-clients" -> linClients = numbers(flag, v);
        case "--ser-clients" -> serClients = numbers(flag, v);
        case "--range-keys" -> rangeKeys = (int) number(flag, v);
        case "--watch-rate" -> watchRate = (int) number(flag, v);
        case "--trials" -> trials = (int) number(flag, v);
        case "--kill-cmd" -> killCmd = v;
        case "--restart-cmd" -> restartCmd = v;
        case "--phase-suffix" -> phaseSuffix = v;
        case "--system" -> system = v;
        case "--run" -> run = (int) number(flag, v);
        case "--out" -> out = Path.of(v);
        case "--cmd-log" -> cmdLog = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    return new BenchOptions(endpoints, phases, duration, warmup, maxOps, valueSize, keysPerClient,
        putClients, linClients, serClients, rangeKeys, watchRate, trials, killCmd, restartCmd, phaseSuffix,
        system, run, out, cmdLog);
  }

  private static List<String> splitList(String v) {
    List<String> items = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        items.add(s.trim());
      }
    }
    return items;
  }

  private static long number(String flag, String v) {
    try {
      return Long.parseLong(v.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects a whole number, got '" + v + "'");
    }
  }

  private static List<Integer> numbers(String flag, String v) {
    return splitList(v).stream().map(s -> (int) number(flag, s)).toList();
  }

  private static Duration seconds(String flag, String v) {
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(v.trim()) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects seconds, got '" + v + "'");
    }
  }

  /** Phases selected, in canonical order. */
  public List<Phase> orderedPhases() {
    return Arrays.stream(Phase.values()).filter(phases::contains).toList();
  }
}
