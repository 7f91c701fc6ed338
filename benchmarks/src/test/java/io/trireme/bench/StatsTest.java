package io.trireme.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void of_oddCount_takesTheMiddleValue() {
    Stats s = Stats.of(List.of(5.0, 1.0, 3.0));

    assertThat(s).isEqualTo(new Stats(3, 1.0, 3.0, 5.0));
  }

  @Test
  void of_evenCount_averagesTheTwoMiddleValues() {
    Stats s = Stats.of(List.of(4.0, 1.0, 2.0, 10.0));

    assertThat(s.median()).isEqualTo(3.0);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isEqualTo(10.0);
  }

  @Test
  void of_nanSamples_areLeftOut() {
    Stats s = Stats.of(List.of(Double.NaN, 2.0, Double.NaN));

    assertThat(s).isEqualTo(new Stats(1, 2.0, 2.0, 2.0));
    assertThat(Stats.of(List.of()).median()).isNaN();
    assertThat(Stats.of(List.of(Double.NaN)).count()).isZero();
  }

  @Test
  void ratio_dividesCandidateByBaseline() {
    assertThat(Stats.ratio(1500, 1200)).isCloseTo(1.25, within(1e-9));
    assertThat(Stats.ratio(0, 0)).isEqualTo(1.0);
    assertThat(Stats.ratio(3, 0)).isNaN();
    assertThat(Stats.ratio(Double.NaN, 2)).isNaN();
  }
}
