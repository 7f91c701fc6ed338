package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Validation;
import io.trireme.apiserver.registry.generic.Validation.NameRule;
import io.trireme.apiserver.status.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Defaulting and validation of a PodSpec, shared by pods and the pod templates of workloads. */
public final class PodSpecs {
  private PodSpecs() {}

  /** Kubernetes' SetDefaults_PodSpec / SetDefaults_Container for the fields we serve. */
  public static void applyDefaults(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    if (spec.hasNonNull("serviceAccountName") && !spec.hasNonNull("serviceAccount")) {
      spec.put("serviceAccount", spec.get("serviceAccountName").asText());
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode co) {
          containerDefaults(co);
        }
      }
    }
  }

  private static void containerDefaults(ObjectNode c) {
    String image = c.path("image").asText("");
    String tag = image.contains("@") ? "digest" : image.lastIndexOf(':') > image.lastIndexOf('/')
        ? image.substring(image.lastIndexOf(':') + 1) : "latest";
    putIfAbsent(c, "imagePullPolicy", tag.equals("latest") ? "Always" : "IfNotPresent");
    putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(c, "terminationMessagePolicy", "File");
    if (!c.has("resources")) {
      c.putObject("resources");
    }
    for (JsonNode p : c.path("ports")) {
      if (p instanceof ObjectNode po) {
        putIfAbsent(po, "protocol", "TCP");
      }
    }
  }

  private static void putIfAbsent(ObjectNode o, String field, String value) {
    if (!o.hasNonNull(field)) {
      o.put(field, value);
    }
  }

  public static List<Cause> validate(JsonNode spec, String path) {
    List<Cause> causes = new ArrayList<>();
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      causes.add(Validation.required(path + ".containers", "Required value"));
    }
    Set<String> names = new HashSet<>();
    for (String list : new String[] {"containers", "initContainers"}) {
      int i = 0;
      for (JsonNode c : spec.path(list)) {
        String p = path + "." + list + "[" + i++ + "]";
        String name = c.path("name").asText("");
        if (name.isEmpty()) {
          causes.add(Validation.required(p + ".name", "Required value"));
        } else {
          for (String e : Validation.nameErrors(NameRule.DNS_LABEL, name)) {
            causes.add(Validation.invalid(p + ".name", name, e));
          }
          if (!names.add(name)) {
            causes.add(new Cause("FieldValueDuplicate", p + ".name", "Duplicate value: \"" + name + "\""));
          }
        }
        if (c.path("image").asText("").isBlank()) {
          causes.add(Validation.required(p + ".image", "Required value"));
        }
        int j = 0;
        for (JsonNode port : c.path("ports")) {
          long n = port.path("containerPort").asLong(0);
          if (n < 1 || n > 65535) {
            causes.add(Validation.invalid(p + ".ports[" + j + "].containerPort", n,
                "must be between 1 and 65535, inclusive"));
          }
          j++;
        }
      }
    }
    String restart = spec.path("restartPolicy").asText("Always");
    if (!List.of("Always", "OnFailure", "Never").contains(restart)) {
      causes.add(Validation.notSupported(path + ".restartPolicy", restart, List.of("Always", "OnFailure",
          "Never")));
    }
    return causes;
  }

  /** Names of the containers, comma-joined (the CONTAINERS column). */
  public static String containerNames(JsonNode spec) {
    List<String> out = new ArrayList<>();
    spec.path("containers").forEach(c -> out.add(c.path("name").asText()));
    return String.join(",", out);
  }

  /** Images of the containers, comma-joined (the IMAGES column). */
  public static String images(JsonNode spec) {
    List<String> out = new ArrayList<>();
    spec.path("containers").forEach(c -> out.add(c.path("image").asText()));
    return String.join(",", out);
  }

  static ArrayNode array(ObjectNode o, String field) {
    return o.get(field) instanceof ArrayNode a ? a : o.putArray(field);
  }
}
