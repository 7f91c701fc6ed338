package io.trireme.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaTypeTest {
  @Test
  void kubectl127Accept_offersOnlyV2beta1() {
    List<MediaType> a = MediaType.parseAccept(
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
    assertThat(a).hasSize(2);
    assertThat(a.get(0).is("application/json", "apidiscovery.k8s.io", "v2", "APIGroupDiscoveryList")).isFalse();
    assertThat(a.get(0).is("application/json", "apidiscovery.k8s.io", "v2beta1", "APIGroupDiscoveryList"))
        .isTrue();
    assertThat(a.get(0).acceptsJson()).isFalse();
    assertThat(a.get(1).acceptsJson()).isTrue();
  }

  @Test
  void tableAccept_isRecognised() {
    List<MediaType> a = MediaType.parseAccept("application/json;as=Table;v=v1;g=meta.k8s.io,"
        + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
    assertThat(a.get(0).is("application/json", "meta.k8s.io", "v1", "Table")).isTrue();
  }

  @Test
  void emptyAccept_meansAnything_andQZeroIsDropped() {
    assertThat(MediaType.parseAccept(null).get(0).acceptsJson()).isTrue();
    assertThat(MediaType.parseAccept("application/json;q=0, text/plain")).extracting(MediaType::type)
        .containsExactly("text/plain");
  }
}
