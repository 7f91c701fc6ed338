package io.trireme.apiserver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.trireme.apiserver.status.ApiException;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ProtobufBodyTest {
  private static byte[] envelope(String apiVersion, String kind, com.google.protobuf.Message raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'k', '8', 's', 0});
    Runtime.Unknown.newBuilder().setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion)
        .setKind(kind)).setRaw(raw.toByteString()).build().writeTo(out);
    return out.toByteArray();
  }

  @Test
  void namespace_decodesToJson() throws Exception {
    byte[] body = envelope("v1", "Namespace", V1.Namespace.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("team-a").putLabels("env", "dev")).build());
    ObjectNode obj = ProtobufBody.decode(body);
    assertThat(obj.path("kind").asText()).isEqualTo("Namespace");
    assertThat(obj.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(obj.at("/metadata/name").asText()).isEqualTo("team-a");
    assertThat(obj.at("/metadata/labels/env").asText()).isEqualTo("dev");
  }

  @Test
  void deployment_mapsIntOrStringQuantityAndNumbers() throws Exception {
    V1Apps.Deployment d = V1Apps.Deployment.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("nginx")
            .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1_700_000_000L)))
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(3)
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setRollingUpdate(
                V1Apps.RollingUpdateDeployment.newBuilder()
                    .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))
                    .setMaxUnavailable(IntStr.IntOrString.newBuilder().setType(0).setIntVal(1))))
            .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                .addContainers(V1.Container.newBuilder().setName("nginx").setImage("nginx")
                    .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", Resource.Quantity.newBuilder().setString("500m").build()))))))
        .build();
    ObjectNode obj = ProtobufBody.decode(envelope("apps/v1", "Deployment", d));
    assertThat(obj.at("/spec/replicas").isInt()).isTrue();
    assertThat(obj.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
    assertThat(obj.at("/spec/strategy/rollingUpdate/maxUnavailable").isInt()).isTrue();
    assertThat(obj.at("/spec/template/spec/containers/0/resources/limits/cpu").asText()).isEqualTo("500m");
    assertThat(obj.at("/metadata/creationTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void missingMagic_andUnknownKinds_areRejected() throws Exception {
    assertThatThrownBy(() -> ProtobufBody.decode(new byte[] {1, 2, 3})).isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code()).isEqualTo(400);
    byte[] odd = envelope("example.com/v1", "Widget", V1.Namespace.getDefaultInstance());
    assertThatThrownBy(() -> ProtobufBody.decode(odd)).isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code()).isEqualTo(415);
  }
}
