package io.trireme.apiserver.schema;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes API types as protobuf descriptors (from the generated Kubernetes protobuf types): the one
 * source of field names and types for protobuf decoding, unknown-field detection and OpenAPI schemas.
 */
public final class ProtoTypes {
  public static final String META_PKG = "k8s.io.apimachinery.pkg.apis.meta.v1";
  public static final String TIME = META_PKG + ".Time";
  public static final String MICRO_TIME = META_PKG + ".MicroTime";
  public static final String DURATION = META_PKG + ".Duration";
  public static final String FIELDS_V1 = META_PKG + ".FieldsV1";
  public static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  public static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  public static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
  private static final Map<String, Descriptor> TYPES = index(List.of(V1.getDescriptor(),
      V1Apps.getDescriptor(), V1Authentication.getDescriptor(), V1Authorization.getDescriptor(),
      V1Batch.getDescriptor(), V1Policy.getDescriptor(), V1Rbac.getDescriptor(), Meta.getDescriptor(),
      authenticationAfter128()));

  private ProtoTypes() {}

  /**
   * authentication.k8s.io/v1 SelfSubjectReview (GA in 1.28, but not in the 1.28 generated Java types we use),
   * declared as in Kubernetes' generated.proto: kubectl 1.32+ sends it as protobuf for {@code auth whoami}.
   */
  private static FileDescriptor authenticationAfter128() {
    FileDescriptor auth = V1Authentication.getDescriptor();
    DescriptorProto review = DescriptorProto.newBuilder().setName("SelfSubjectReview")
        .addField(message("metadata", 1, "." + META_PKG + ".ObjectMeta"))
        .addField(message("status", 2, "." + auth.getPackage() + ".SelfSubjectReviewStatus")).build();
    DescriptorProto status = DescriptorProto.newBuilder().setName("SelfSubjectReviewStatus")
        .addField(message("userInfo", 1, "." + auth.getPackage() + ".UserInfo")).build();
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("trireme/authentication-v1-after-1.28.proto")
        .setPackage(auth.getPackage()).addDependency(Meta.getDescriptor().getName())
        .addDependency(auth.getName()).addMessageType(review).addMessageType(status).build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[] {Meta.getDescriptor(), auth});
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("the SelfSubjectReview declaration is invalid", e);
    }
  }

  private static FieldDescriptorProto message(String name, int number, String type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
        .setTypeName(type).build();
  }

  private static Map<String, Descriptor> index(List<FileDescriptor> files) {
    Map<String, Descriptor> out = new HashMap<>();
    for (FileDescriptor f : files) {
      for (Descriptor d : f.getMessageTypes()) {
        out.put(d.getFullName(), d);
      }
    }
    return out;
  }

  /**
   * The proto package of an apiVersion: v1 → k8s.io.api.core.v1, apps/v1 → k8s.io.api.apps.v1,
   * rbac.authorization.k8s.io/v1 → k8s.io.api.rbac.v1 (the group's first label).
   */
  public static String protoPackage(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return "k8s.io.api.core." + apiVersion;
    }
    String group = apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    if (group.equals("meta.k8s.io")) {
      return META_PKG;
    }
    int dot = group.indexOf('.');
    return "k8s.io.api." + (dot < 0 ? group : group.substring(0, dot)) + "." + version;
  }

  /** The message type of a kind, also looking in meta/v1 (DeleteOptions and friends). */
  public static Optional<Descriptor> kind(String apiVersion, String kind) {
    Descriptor d = TYPES.get(protoPackage(apiVersion) + "." + kind);
    return Optional.ofNullable(d != null ? d : TYPES.get(META_PKG + "." + kind));
  }

  /** Types whose JSON form is a scalar (string, number or arbitrary JSON), not an object. */
  public static boolean isLeaf(Descriptor d) {
    String n = d.getFullName();
    return n.equals(TIME) || n.equals(MICRO_TIME) || n.equals(DURATION) || n.equals(FIELDS_V1)
        || n.equals(INT_OR_STRING) || n.equals(QUANTITY) || n.equals(RAW_EXTENSION);
  }

  /** The OpenAPI definition name: k8s.io.api.core.v1.Pod → io.k8s.api.core.v1.Pod. */
  public static String definitionName(Descriptor d) {
    String n = d.getFullName();
    return n.startsWith("k8s.io.") ? "io.k8s." + n.substring("k8s.io.".length()) : n;
  }
}
