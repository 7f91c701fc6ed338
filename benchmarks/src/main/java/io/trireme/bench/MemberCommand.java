package io.trireme.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shell command about one store member, given by the caller so the same benchmark can kill and
 * restart etcd or Trireme members. Placeholders: {@code {name}} (member name from MemberList),
 * {@code {id}} (member id, hex as etcdctl prints it), {@code {endpoint}} ({@code host:port}),
 * {@code {host}}, {@code {port}} and {@code {index}} (1-based position in {@code --endpoints}).
 * Unknown placeholders are an error, so a typo cannot silently kill the wrong thing.
 */
public record MemberCommand(String template) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

  /** The member a command is about. */
  public record Member(String name, long id, String endpoint, int index) {
    public String host() {
      return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    public String port() {
      return endpoint.substring(endpoint.lastIndexOf(':') + 1);
    }

    Map<String, String> placeholders() {
      return Map.of("name", name, "id", Long.toHexString(id), "endpoint", endpoint, "host", host(),
          "port", port(), "index", Integer.toString(index));
    }
  }

  /** The command with every placeholder replaced. */
  public String render(Member member) {
    Map<String, String> values = member.placeholders();
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("unknown placeholder {" + m.group(1) + "} in '" + template
            + "'; known: " + values.keySet());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Runs the rendered command with {@code sh -c} and waits for it. Its output goes to {@code log}
   * (appended) or is discarded. Fails if it does not exit 0 within {@code timeout}.
   */
  public void run(Member member, Path log, Duration timeout) throws IOException, InterruptedException {
    String command = render(member);
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD
        : ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException("command did not finish within " + timeout + ": " + command);
    }
    if (p.exitValue() != 0) {
      throw new IOException("command exited " + p.exitValue() + ": " + command);
    }
  }
}
