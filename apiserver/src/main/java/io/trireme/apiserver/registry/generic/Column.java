package io.trireme.apiserver.registry.generic;

/** One column of server-side Table output ({@code meta.k8s.io/v1 TableColumnDefinition}). */
public record Column(String name, String type, String format, String description, int priority) {
  public static Column nameColumn() {
    return new Column("Name", "string", "name",
        "Name must be unique within a namespace. Cannot be updated.", 0);
  }

  public static Column ageColumn() {
    return new Column("Age", "string", "",
        "CreationTimestamp is a timestamp representing the server time when this object was created.", 0);
  }

  public static Column of(String name, String type, String description) {
    return new Column(name, type, "", description, 0);
  }

  public static Column wide(String name, String type, String description) {
    return new Column(name, type, "", description, 1);
  }
}
