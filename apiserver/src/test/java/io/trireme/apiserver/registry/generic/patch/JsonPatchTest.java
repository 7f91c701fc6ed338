package io.trireme.apiserver.registry.generic.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.status.ApiException;
import org.junit.jupiter.api.Test;

class JsonPatchTest {
  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s.replace('\'', '"'));
  }

  @Test
  void operations_applyInOrder() throws Exception {
    JsonNode out = JsonPatch.apply(json("{'a':{'b':1},'l':[1,2]}"), json("[{'op':'add','path':'/l/1','value':9},"
        + "{'op':'add','path':'/l/-','value':3},{'op':'replace','path':'/a/b','value':2},"
        + "{'op':'copy','from':'/a','path':'/c'},{'op':'move','from':'/a/b','path':'/d'},"
        + "{'op':'remove','path':'/l/0'},{'op':'test','path':'/d','value':2},"
        + "{'op':'add','path':'/e~1f','value':'slash'}]"));
    assertThat(out).isEqualTo(json("{'a':{},'l':[9,2,3],'c':{'b':2},'d':2,'e/f':'slash'}"));
  }

  @Test
  void failedTest_isInvalid() throws Exception {
    assertThatThrownBy(() -> JsonPatch.apply(json("{'a':1}"), json("[{'op':'test','path':'/a','value':2}]")))
        .isInstanceOf(ApiException.class).extracting(e -> ((ApiException) e).code()).isEqualTo(422);
  }

  @Test
  void removingMissingPath_isInvalid() throws Exception {
    assertThatThrownBy(() -> JsonPatch.apply(json("{}"), json("[{'op':'remove','path':'/x'}]")))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void mergePatch_followsRfc7386() throws Exception {
    assertThat(MergePatch.apply(json("{'a':'b','c':{'d':'e','f':'g'}}"), json("{'a':'z','c':{'f':null}}")))
        .isEqualTo(json("{'a':'z','c':{'d':'e'}}"));
    assertThat(MergePatch.apply(json("{'a':[1]}"), json("{'a':[2]}"))).isEqualTo(json("{'a':[2]}"));
  }
}
