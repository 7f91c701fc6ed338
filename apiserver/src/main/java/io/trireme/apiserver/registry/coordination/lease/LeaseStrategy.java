package io.trireme.apiserver.registry.coordination.lease;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.status.ApiException.Cause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** coordination.k8s.io/v1 Leases (leader election, node heartbeats). */
public final class LeaseStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("coordination.k8s.io", "v1", "Lease", "leases",
      "lease", true, List.of(), List.of(), false);

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    long duration = obj.path("spec").path("leaseDurationSeconds").asLong(1);
    if (obj.path("spec").has("leaseDurationSeconds") && duration <= 0) {
      causes.add(Validation.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"));
    }
    long transitions = obj.path("spec").path("leaseTransitions").asLong(0);
    if (transitions < 0) {
      causes.add(Validation.invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Holder", "string",
        "The holder of the lease"), Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return List.of(Meta.name(obj), obj.path("spec").path("holderIdentity").asText(""), Tables.age(obj, now));
  }
}
