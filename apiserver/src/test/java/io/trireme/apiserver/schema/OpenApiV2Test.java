package io.trireme.apiserver.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.registry.Resources;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.Registry;
import io.trireme.apiserver.registry.generic.ResourceSchema;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes the v2 Document with protobuf's generic parser and checks what kubectl 1.27 looks for. */
class OpenApiV2Test {
  private static UnknownFieldSet parse(ByteString b) throws Exception {
    return UnknownFieldSet.parseFrom(b);
  }

  private static List<UnknownFieldSet> messages(UnknownFieldSet m, int field) throws Exception {
    List<UnknownFieldSet> out = new ArrayList<>();
    for (ByteString b : m.getField(field).getLengthDelimitedList()) {
      out.add(parse(b));
    }
    return out;
  }

  private static String string(UnknownFieldSet m, int field) {
    return m.getField(field).getLengthDelimitedList().isEmpty() ? ""
        : m.getField(field).getLengthDelimitedList().get(0).toStringUtf8();
  }

  @Test
  void document_hasDeploymentPatchWithFieldValidation_andItsDefinition() throws Exception {
    Registry registry = new Registry();
    for (ResourceStrategy s : Resources.all(Clock.systemUTC(), null, new Authorizer())) {
      registry.register(new GenericStore(s, ResourceSchema.ANY, null, Clock.systemUTC(), List.of(), List.of(), null,
          null, io.trireme.apiserver.registry.generic.WatchCacheConfig.of(java.time.Duration.ofSeconds(1))));
    }
    UnknownFieldSet doc = UnknownFieldSet.parseFrom(new OpenApiV2(new OpenApiV3(registry)).document());
    assertThat(string(doc, 1)).isEqualTo("2.0");
    UnknownFieldSet paths = messages(doc, 8).get(0);
    UnknownFieldSet item = null;
    for (UnknownFieldSet named : messages(paths, 2)) {
      if (string(named, 1).equals("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")) {
        item = messages(named, 2).get(0);
      }
    }
    assertThat(item).as("deployment item path").isNotNull();
    UnknownFieldSet patch = messages(item, 8).get(0);
    List<String> params = new ArrayList<>();
    for (UnknownFieldSet p : messages(patch, 8)) {
      UnknownFieldSet parameter = messages(p, 1).get(0);
      if (parameter.hasField(2)) {
        params.add(string(messages(messages(parameter, 2).get(0), 3).get(0), 4));
      }
    }
    assertThat(params).contains("fieldValidation", "dryRun");
    List<String> extensions = new ArrayList<>();
    for (UnknownFieldSet ext : messages(patch, 13)) {
      extensions.add(string(ext, 1) + "=" + string(messages(ext, 2).get(0), 2).trim());
    }
    assertThat(extensions).contains("x-kubernetes-group-version-kind={\"group\":\"apps\",\"version\":\"v1\","
        + "\"kind\":\"Deployment\"}");

    List<String> definitions = new ArrayList<>();
    for (UnknownFieldSet named : messages(messages(doc, 9).get(0), 1)) {
      definitions.add(string(named, 1));
    }
    assertThat(definitions).contains("io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.PodSpec",
        "io.k8s.api.batch.v1.CronJob", "io.k8s.api.rbac.v1.ClusterRole");
  }
}
