package io.trireme.apiserver.auth;

import io.netty.handler.codec.http.HttpHeaders;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's impersonation ({@code kubectl --as/--as-group/--as-uid}): the {@code Impersonate-User},
 * {@code Impersonate-Group} and {@code Impersonate-Uid} headers replace the authenticated user, when the
 * authorizer lets that user impersonate each of them (today it lets everyone, see {@link Authorizer}).
 */
public final class Impersonation {
  private static final String USER = "Impersonate-User";
  private static final String GROUP = "Impersonate-Group";
  private static final String UID = "Impersonate-Uid";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  private Impersonation() {}

  /** The user the request acts as: {@code authenticated}, or the one it impersonates. */
  public static UserInfo apply(UserInfo authenticated, HttpHeaders headers, Authorizer authorizer) {
    String name = headers.get(USER, "");
    List<String> groups = headers.getAll(GROUP);
    String uid = headers.get(UID, "");
    if (name.isEmpty()) {
      if (!groups.isEmpty() || !uid.isEmpty()) {
        throw ApiException.internal("requested " + (groups.isEmpty() ? "uid " + uid : "groups " + groups)
            + " without impersonating a user");
      }
      return authenticated;
    }
    check(authenticated, authorizer, "users", name);
    groups.forEach(g -> check(authenticated, authorizer, "groups", g));
    if (!uid.isEmpty()) {
      check(authenticated, authorizer, "uids", uid);
    }
    List<String> as = new ArrayList<>(groups);
    if (as.isEmpty() && name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String[] nsName = name.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      as.add("system:serviceaccounts");
      as.add("system:serviceaccounts:" + nsName[0]);
    }
    String everyone = name.equals("system:anonymous") ? "system:unauthenticated" : "system:authenticated";
    if (!as.contains(everyone)) {
      as.add(everyone);
    }
    return new UserInfo(name, uid, as);
  }

  private static void check(UserInfo user, Authorizer authorizer, String resource, String name) {
    Authorizer.Decision d = authorizer.authorize(user, new Authorizer.Attributes("impersonate",
        resource.equals("uids") ? "authentication.k8s.io" : "", resource, "", "", name, ""));
    if (!d.allowed()) {
      throw ApiException.forbidden("", resource, name, "User \"" + user.name() + "\" cannot impersonate resource \""
          + resource + "\" in API group \"\" at the cluster scope");
    }
  }
}
