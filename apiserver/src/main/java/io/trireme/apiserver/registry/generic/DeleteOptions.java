package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of {@code meta/v1 DeleteOptions} the store honours. {@code orphanDependents} (deprecated) is kept
 * apart from {@code propagationPolicy}, as kube-apiserver does: setting both is invalid.
 */
public record DeleteOptions(String preconditionUid, String preconditionResourceVersion,
    String propagationPolicy, Optional<Boolean> orphanDependents, Long gracePeriodSeconds) {
  public static final DeleteOptions DEFAULT = new DeleteOptions("", "", "", Optional.empty(), null);
  /** The garbage collector's finalizers (metav1.FinalizerOrphanDependents, FinalizerDeleteDependents). */
  public static final String ORPHAN = "orphan";
  public static final String FOREGROUND = "foregroundDeletion";
  private static final List<String> POLICIES = List.of("Foreground", "Background", "Orphan");

  public DeleteOptions {
    preconditionUid = preconditionUid == null ? "" : preconditionUid;
    preconditionResourceVersion = preconditionResourceVersion == null ? "" : preconditionResourceVersion;
    propagationPolicy = propagationPolicy == null ? "" : propagationPolicy;
    orphanDependents = orphanDependents == null ? Optional.empty() : orphanDependents;
    List<Cause> causes = new ArrayList<>();
    if (!propagationPolicy.isEmpty() && !POLICIES.contains(propagationPolicy)) {
      causes.add(new Cause("FieldValueNotSupported", "propagationPolicy", "Unsupported value: \""
          + propagationPolicy + "\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
    }
    if (!propagationPolicy.isEmpty() && orphanDependents.isPresent()) {
      causes.add(new Cause("FieldValueInvalid", "propagationPolicy", "Invalid value: \"" + propagationPolicy
          + "\": orphanDependents and deletionPropagation cannot be both set"));
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid("meta.k8s.io", "DeleteOptions", "", causes);
    }
  }

  public static DeleteOptions of(JsonNode body, String queryPropagation, String queryGrace) {
    JsonNode b = body == null ? MissingNode.getInstance() : body;
    String prop = b.path("propagationPolicy").asText(queryPropagation == null ? "" : queryPropagation);
    Optional<Boolean> orphan = b.hasNonNull("orphanDependents")
        ? Optional.of(b.get("orphanDependents").asBoolean()) : Optional.empty();
    Long grace = b.hasNonNull("gracePeriodSeconds") ? Long.valueOf(b.get("gracePeriodSeconds").asLong())
        : queryGrace == null || queryGrace.isEmpty() ? null : Long.valueOf(queryGrace);
    return new DeleteOptions(Meta.text(b.get("preconditions"), "uid"),
        Meta.text(b.get("preconditions"), "resourceVersion"), prop, orphan, grace);
  }

  /**
   * The finalizers an object gets when deleted with these options (kube-apiserver's
   * {@code deletionFinalizersForGarbageCollection}): the garbage collector's two finalizers are decided by the
   * options first, then by the ones the object already carries, then by the default policy (background, for
   * every served version); the object's other finalizers stay in order.
   */
  public List<String> finalizersFor(List<String> current) {
    boolean orphan;
    boolean foreground;
    if (orphanDependents.isPresent()) {
      orphan = orphanDependents.get();
      foreground = false;
    } else if (!propagationPolicy.isEmpty()) {
      orphan = propagationPolicy.equals("Orphan");
      foreground = propagationPolicy.equals("Foreground");
    } else {
      orphan = current.contains(ORPHAN);
      foreground = !orphan && current.contains(FOREGROUND);
    }
    List<String> next = new ArrayList<>();
    for (String f : current) {
      if (!f.equals(ORPHAN) && !f.equals(FOREGROUND)) {
        next.add(f);
      }
    }
    if (orphan) {
      next.add(ORPHAN);
    }
    if (foreground) {
      next.add(FOREGROUND);
    }
    return next;
  }
}
