package io.trireme.apiserver.auth;

import java.util.List;
import java.util.Objects;

/** An authenticated user: name, uid (may be empty) and groups (always including system:authenticated). */
public record UserInfo(String name, String uid, List<String> groups) {
  public UserInfo {
    Objects.requireNonNull(name, "name");
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
  }
}
