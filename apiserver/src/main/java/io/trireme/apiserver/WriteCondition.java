package io.trireme.apiserver;

import io.etcd.jetcd.api.Compare;
import io.trireme.apiserver.auth.UserInfo;
import java.util.List;

/**
 * Extra store compares attached, atomically, to the single etcd Txn of every write a user makes (e.g. a
 * leader-election fencing token for the controller-manager's identity). If one does not hold, the write is
 * rejected with 409 Conflict and nothing is written.
 */
@FunctionalInterface
public interface WriteCondition {
  WriteCondition NONE = user -> List.of();

  List<Compare> compares(UserInfo user);
}
