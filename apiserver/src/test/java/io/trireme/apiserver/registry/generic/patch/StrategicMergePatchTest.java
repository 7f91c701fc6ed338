package io.trireme.apiserver.registry.generic.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {
  private static final PatchMeta DEPLOYMENT = PatchMeta.OBJECT_META.with("spec.template.spec", PatchMeta.POD_SPEC);

  private static ObjectNode json(String s) {
    return Json.object(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode apply(String original, String patch) {
    return StrategicMergePatch.apply(json(original), json(patch), DEPLOYMENT);
  }

  @Test
  void containers_mergeByName_keepingPorts() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.25',"
        + "'ports':[{'containerPort':80}]}]}}}}",
        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],"
        + "'containers':[{'image':'nginx:1.27','name':'nginx'}]}}}}");
    assertThat(out).isEqualTo(json("{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
        + "'image':'nginx:1.27','ports':[{'containerPort':80}]}]}}}}"));
  }

  @Test
  void newElement_isAppended_andDirectivesAreStripped() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'y','$patch':'merge'}]}}}}");
    assertThat(out.at("/spec/template/spec/containers")).hasSize(2);
    assertThat(out.at("/spec/template/spec/containers/1")).isEqualTo(json("{'name':'b','image':'y'}"));
  }

  @Test
  void patchDelete_removesElementByMergeKey() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}}}");
    assertThat(out.at("/spec/template/spec/containers")).isEqualTo(json("{'x':[{'name':'b'}]}").get("x"));
  }

  @Test
  void setElementOrder_reordersMergedList() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}",
        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}}}");
    assertThat(out.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("b");
  }

  @Test
  void listReplaceDirective_replacesWholeList() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'$patch':'replace'},{'name':'c'}]}}}}");
    assertThat(out.at("/spec/template/spec/containers")).isEqualTo(json("{'x':[{'name':'c'}]}").get("x"));
  }

  @Test
  void mapReplaceDirective_dropsOldKeys() {
    ObjectNode out = apply("{'metadata':{'labels':{'a':'1','b':'2'}}}",
        "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}");
    assertThat(out.at("/metadata/labels")).isEqualTo(json("{'c':'3'}"));
  }

  @Test
  void retainKeys_clearsFieldsNotListed() {
    ObjectNode out = apply("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
    assertThat(out.at("/spec/strategy")).isEqualTo(json("{'type':'Recreate'}"));
  }

  @Test
  void primitiveMergeList_unionsAndDeleteFromPrimitiveListRemoves() {
    ObjectNode out = apply("{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['c','a']}}");
    assertThat(out.at("/metadata/finalizers")).isEqualTo(json("{'x':['a','b','c']}").get("x"));
    out = StrategicMergePatch.apply(out, json("{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}"),
        DEPLOYMENT);
    assertThat(out.at("/metadata/finalizers")).isEqualTo(json("{'x':['a','c']}").get("x"));
  }

  @Test
  void listWithoutMergeKey_isReplaced_andNullDeletes() {
    ObjectNode out = apply("{'spec':{'template':{'spec':{'tolerations':[{'key':'a'}],'nodeName':'n'}}}}",
        "{'spec':{'template':{'spec':{'tolerations':[{'key':'b'}],'nodeName':null}}}}");
    assertThat(out.at("/spec/template/spec")).isEqualTo(json("{'tolerations':[{'key':'b'}]}"));
  }

  @Test
  void elementWithoutMergeKey_isRejected() {
    assertThatThrownBy(() -> apply("{'spec':{'template':{'spec':{'containers':[]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"))
        .isInstanceOf(ApiException.class).hasMessageContaining("merge key: name");
  }
}
