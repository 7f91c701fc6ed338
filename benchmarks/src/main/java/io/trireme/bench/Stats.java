package io.trireme.bench;

import java.util.List;

/**
 * Median, range and ratio of samples (NaN samples — figures that could not be measured — are left
 * out; an empty sample set gives NaN).
 *
 * @param count  samples that were numbers
 * @param min    smallest
 * @param median middle value (mean of the two middle values for an even count)
 * @param max    largest
 */
public record Stats(int count, double min, double median, double max) {

  public static Stats of(List<Double> samples) {
    double[] v = samples.stream().filter(d -> d != null && !d.isNaN()).mapToDouble(Double::doubleValue)
        .sorted().toArray();
    if (v.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
    }
    int mid = v.length / 2;
    double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return new Stats(v.length, v[0], median, v[v.length - 1]);
  }

  /**
   * {@code candidate / baseline}; NaN if either is missing or the baseline is 0 (unless both are 0,
   * which is a ratio of 1: e.g. zero errors on both sides).
   */
  public static double ratio(double candidate, double baseline) {
    if (Double.isNaN(candidate) || Double.isNaN(baseline)) {
      return Double.NaN;
    }
    if (baseline == 0) {
      return candidate == 0 ? 1.0 : Double.NaN;
    }
    return candidate / baseline;
  }
}
