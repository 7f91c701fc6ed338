package io.trireme.node.probe;

/**
 * The result of probing one member.
 *
 * @param target          who was probed
 * @param status          its {@code Maintenance.Status}, or {@code null} when it did not answer
 * @param error           why it did not answer ({@code null} when it did)
 * @param unhealthyReason why the health read failed ({@code null} when healthy or not checked)
 */
public record MemberReport(Target target, MemberStatus status, String error, String unhealthyReason) {

  public boolean reachable() {
    return status != null;
  }

  public boolean healthy() {
    return status != null && unhealthyReason == null && status.errors().isEmpty();
  }

  /** The member id: reported by the member itself, else the configured one. */
  public long id() {
    return status != null ? status.memberId() : target.id();
  }
}
