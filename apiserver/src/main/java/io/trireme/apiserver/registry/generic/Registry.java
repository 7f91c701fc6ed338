package io.trireme.apiserver.registry.generic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The served resources, by group/version/resource, in registration order (discovery order). */
public final class Registry {
  private final Map<String, GenericStore> stores = new LinkedHashMap<>();

  public void register(GenericStore store) {
    ResourceInfo i = store.info();
    String k = key(i.group(), i.version(), i.resource());
    if (stores.putIfAbsent(k, store) != null) {
      throw new IllegalArgumentException("resource registered twice: " + k);
    }
  }

  private static String key(String group, String version, String resource) {
    return group + "/" + version + "/" + resource;
  }

  public Optional<GenericStore> store(String group, String version, String resource) {
    return Optional.ofNullable(stores.get(key(group, version, resource)));
  }

  public List<GenericStore> all() {
    return List.copyOf(stores.values());
  }

  /** The group/versions served, in registration order: "" (core) first if present. */
  public List<String> groups() {
    List<String> out = new ArrayList<>();
    for (GenericStore s : stores.values()) {
      if (!out.contains(s.info().group())) {
        out.add(s.info().group());
      }
    }
    return out;
  }

  public List<String> versions(String group) {
    List<String> out = new ArrayList<>();
    for (GenericStore s : stores.values()) {
      if (s.info().group().equals(group) && !out.contains(s.info().version())) {
        out.add(s.info().version());
      }
    }
    return out;
  }

  public List<GenericStore> resources(String group, String version) {
    List<GenericStore> out = new ArrayList<>();
    for (GenericStore s : stores.values()) {
      if (s.info().group().equals(group) && s.info().version().equals(version)) {
        out.add(s);
      }
    }
    return out;
  }
}
