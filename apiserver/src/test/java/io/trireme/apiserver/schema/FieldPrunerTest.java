package io.trireme.apiserver.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldPrunerTest {
  private static ObjectNode obj(String json) {
    return Json.object(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void rejects(String apiVersion, String kind, String json, String message) {
    assertThatThrownBy(() -> FieldPruner.prune(obj(json), ProtoTypes.kind(apiVersion, kind).orElseThrow()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void wrongJsonType_isBadRequestWithGosMessage() {
    rejects("v1", "Node", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"status\":{\"nodeInfo\":{\"systemUUID\":true}}}",
        "Node in version \"v1\" cannot be handled as a Node: json: cannot unmarshal bool into Go struct field "
            + "NodeSystemInfo.status.nodeInfo.systemUUID of type string");
    rejects("apps/v1", "Deployment", "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":"
        + "\"3\"}}", "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string "
            + "into Go struct field DeploymentSpec.spec.replicas of type int32");
    rejects("v1", "ConfigMap", "{\"apiVersion\":\"v1\",\"metadata\":{\"labels\":{\"v\":1}}}",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go "
            + "struct field ObjectMeta.metadata.labels of type string");
    rejects("v1", "Pod", "{\"apiVersion\":\"v1\",\"spec\":{\"containers\":{\"name\":\"c\"}}}", "Pod in version \"v1\""
        + " cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of "
        + "type []v1.Container");
  }

  @Test
  void rightTypes_nullsAndLeaves_pass_unknownFieldsAreNamed() {
    ObjectNode pod = obj("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"creationTimestamp\":"
        + "null},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":80}],"
        + "\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"1Gi\"}},\"bogus\":1}],\"hostNetwork\":false}}");
    assertThat(FieldPruner.prune(pod, ProtoTypes.kind("v1", "Pod").orElseThrow()))
        .containsExactly("spec.containers[0].bogus");
    assertThat(pod.path("spec").path("containers").get(0).has("bogus")).isFalse();
  }
}
