package io.trireme.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trireme.apiserver.status.ApiException;
import org.junit.jupiter.api.Test;

class QuantityTest {
  @Test
  void parse_suffixes_compareExactly() {
    assertThat(Quantity.parse("500m")).isEqualByComparingTo(Quantity.parse("0.5"));
    assertThat(Quantity.parse("1Gi")).isEqualByComparingTo(Quantity.parse("1073741824"));
    assertThat(Quantity.parse("1k")).isEqualByComparingTo(Quantity.parse("1e3"));
    assertThat(Quantity.parse("2").compareTo(Quantity.parse("1500m"))).isPositive();
  }

  @Test
  void text_isWholeOrMilli() {
    assertThat(Quantity.parse("100m").plus(Quantity.parse("200m")).text()).isEqualTo("300m");
    assertThat(Quantity.parse("1").plus(Quantity.parse("2")).text()).isEqualTo("3");
  }

  @Test
  void parse_garbage_isBadRequest() {
    assertThatThrownBy(() -> Quantity.parse("1.2.3")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> Quantity.parse("abc")).isInstanceOf(ApiException.class);
    assertThat(Quantity.valid(com.fasterxml.jackson.databind.node.TextNode.valueOf("12Mi"))).isTrue();
  }
}
