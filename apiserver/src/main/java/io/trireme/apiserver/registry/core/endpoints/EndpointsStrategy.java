package io.trireme.apiserver.registry.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Column;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.generic.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Endpoints: kube's ENDPOINTS column ("ip:port,... + N more..."). */
public final class EndpointsStrategy implements ResourceStrategy {
  public static final ResourceInfo INFO = new ResourceInfo("", "v1", "Endpoints", "endpoints", "endpoints",
      true, List.of("ep"), List.of(), false);

  @Override
  public ResourceInfo info() {
    return INFO;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.nameColumn(), Column.of("Endpoints", "string", "Endpoints of the service"),
        Column.ageColumn());
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    List<String> all = new ArrayList<>();
    for (JsonNode subset : obj.path("subsets")) {
      for (JsonNode addr : subset.path("addresses")) {
        if (subset.path("ports").isEmpty()) {
          all.add(addr.path("ip").asText());
        }
        for (JsonNode port : subset.path("ports")) {
          all.add(addr.path("ip").asText() + ":" + port.path("port").asText());
        }
      }
    }
    String text = all.isEmpty() ? "<none>" : String.join(",", all.subList(0, Math.min(3, all.size())))
        + (all.size() > 3 ? " + " + (all.size() - 3) + " more..." : "");
    return List.of(Meta.name(obj), text, Tables.age(obj, now));
  }
}
