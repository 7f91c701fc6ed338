package io.trireme.apiserver.registry.discovery.endpointslice;

import com.fasterxml.jackson.databind.JsonNode;
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

/** discovery.k8s.io/v1 EndpointSlices: address type (immutable), endpoints and ports, kube's columns. */
public final class EndpointSliceStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("discovery.k8s.io", "v1", "EndpointSlice",
      "endpointslices", "endpointslice", true, List.of(), List.of(), false);
  private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final int MAX_ENDPOINTS = 1000;
  private static final int MAX_ADDRESSES = 100;

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    for (JsonNode p : obj.path("ports")) {
      if (p instanceof ObjectNode po && !po.hasNonNull("protocol")) {
        po.put("protocol", "TCP");
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    String type = obj.path("addressType").asText("");
    if (type.isEmpty()) {
      causes.add(Validation.required("addressType", "Required value"));
    } else if (!ADDRESS_TYPES.contains(type)) {
      causes.add(Validation.notSupported("addressType", type, ADDRESS_TYPES));
    }
    JsonNode endpoints = obj.path("endpoints");
    if (endpoints.size() > MAX_ENDPOINTS) {
      causes.add(new Cause("FieldValueTooMany", "endpoints", "Too many: " + endpoints.size()
          + ": must have at most " + MAX_ENDPOINTS + " items"));
    }
    for (int i = 0; i < endpoints.size(); i++) {
      JsonNode addresses = endpoints.get(i).path("addresses");
      String path = "endpoints[" + i + "].addresses";
      if (addresses.size() == 0) {
        causes.add(Validation.required(path, "must contain at least 1 address"));
      } else if (addresses.size() > MAX_ADDRESSES) {
        causes.add(new Cause("FieldValueTooMany", path, "Too many: " + addresses.size() + ": must have at most "
            + MAX_ADDRESSES + " items"));
      }
    }
    JsonNode ports = obj.path("ports");
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      String protocol = p.path("protocol").asText("TCP");
      if (!PROTOCOLS.contains(protocol)) {
        causes.add(Validation.notSupported("ports[" + i + "].protocol", protocol, PROTOCOLS));
      }
      if (p.hasNonNull("port") && (p.get("port").asLong() < 1 || p.get("port").asLong() > 65535)) {
        causes.add(Validation.invalid("ports[" + i + "].port", p.get("port").asLong(),
            "must be between 1 and 65535, inclusive"));
      }
    }
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> causes = new ArrayList<>(validate(obj));
    if (!obj.path("addressType").equals(old.path("addressType"))) {
      causes.add(Validation.immutable("addressType"));
    }
    return causes;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(),
        Column.of("AddressType", "string", "The IP protocol for this slice"),
        Column.of("Ports", "string", "The ports for this slice"),
        Column.of("Endpoints", "string", "First 3 endpoints in the slice"),
        Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    List<String> ports = new ArrayList<>();
    obj.path("ports").forEach(p -> ports.add(p.hasNonNull("port") ? p.get("port").asText() : "<unset>"));
    List<String> addresses = new ArrayList<>();
    obj.path("endpoints").forEach(e -> e.path("addresses").forEach(a -> addresses.add(a.asText())));
    return List.of(Meta.name(obj), obj.path("addressType").asText(""), firstThree(ports), firstThree(addresses),
        Tables.age(obj, now));
  }

  /** kube's formatting of a list cell: at most three items, then "+ N more...", "<unset>" when empty. */
  private static String firstThree(List<String> items) {
    if (items.isEmpty()) {
      return "<unset>";
    }
    String head = String.join(",", items.subList(0, Math.min(3, items.size())));
    return items.size() > 3 ? head + " + " + (items.size() - 3) + " more..." : head;
  }
}
