package io.trireme.apiserver.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Static bearer tokens in kube-apiserver's {@code --token-auth-file} CSV format:
 * {@code token,user,uid,"group1,group2"} (groups optional; lines starting with # are ignored).
 */
public final class TokenFile {
  private final Map<String, UserInfo> users;

  private TokenFile(Map<String, UserInfo> users) {
    this.users = Map.copyOf(users);
  }

  public static TokenFile empty() {
    return new TokenFile(Map.of());
  }

  public static TokenFile read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  public static TokenFile parse(String csv, String source) {
    Map<String, UserInfo> users = new HashMap<>();
    int lineNo = 0;
    for (String line : csv.split("\r?\n")) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line);
      if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        throw new IllegalArgumentException(source + ":" + lineNo
            + ": expected token,user,uid[,\"group1,group2\"]");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3) {
        for (String g : fields.get(3).split(",")) {
          if (!g.isBlank()) {
            groups.add(g.trim());
          }
        }
      }
      groups.add("system:authenticated");
      users.put(fields.get(0), new UserInfo(fields.get(1), fields.get(2), groups));
    }
    return new TokenFile(users);
  }

  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }

  public Optional<UserInfo> user(String token) {
    return Optional.ofNullable(users.get(token));
  }
}
