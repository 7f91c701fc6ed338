package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The field set of a kind: removes unknown fields from an object and names them. */
@FunctionalInterface
public interface ResourceSchema {
  ResourceSchema ANY = obj -> List.of();

  List<String> prune(ObjectNode obj);
}
