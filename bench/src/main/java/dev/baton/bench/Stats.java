package dev.baton.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Order statistics of a sample, in milliseconds.
 *
 * @param values the sorted values
 */
record Stats(List<Double> values) {

  static Stats of(List<Double> raw) {
    List<Double> sorted = new ArrayList<>(raw);
    Collections.sort(sorted);
    return new Stats(List.copyOf(sorted));
  }

  double quantile(double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double pos = q * (values.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return values.get(lo) + (values.get(hi) - values.get(lo)) * (pos - lo);
  }

  double median() {
    return quantile(0.5);
  }

  double min() {
    return values.isEmpty() ? Double.NaN : values.get(0);
  }

  double max() {
    return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
  }

  /** "median (p10 to p90, min to max), n" in milliseconds. */
  String summary() {
    return String.format("%.0f ms (p10 %.0f, p90 %.0f; min %.0f, max %.0f; n=%d)",
        median(), quantile(0.1), quantile(0.9), min(), max(), values.size());
  }
}
