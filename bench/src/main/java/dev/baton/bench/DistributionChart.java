package dev.baton.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A strip chart with median and p10 to p90 bars, one row per backend, as standalone SVG. */
final class DistributionChart {
  private static final int LEFT = 170;
  private static final int WIDTH = 760;
  private static final int ROW = 34;

  private DistributionChart() {
  }

  /**
   * Renders one panel per metric.
   *
   * @param title the chart's title
   * @param panels metric name to (backend name to samples in ms), in order
   * @return the SVG document
   */
  static String svg(String title, Map<String, Map<String, Stats>> panels) {
    StringBuilder b = new StringBuilder();
    int height = 40;
    for (Map<String, Stats> rows : panels.values()) {
      height += 50 + rows.size() * ROW;
    }
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH + LEFT + 40, height));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(text(10, 22, escape(title), "font-size=\"15\" font-weight=\"bold\""));
    int y = 45;
    for (Map.Entry<String, Map<String, Stats>> panel : panels.entrySet()) {
      double max = panel.getValue().values().stream().mapToDouble(Stats::max).filter(d -> !Double.isNaN(d)).max().orElse(1);
      max = niceCeiling(max);
      b.append(text(10, y + 12, escape(panel.getKey()), "font-weight=\"bold\""));
      y += 22;
      int axisY = y + panel.getValue().size() * ROW;
      for (int tick = 0; tick <= 5; tick++) {
        double v = max * tick / 5;
        double x = LEFT + WIDTH * tick / 5.0;
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", x, y, x, axisY));
        b.append(text(x - 12, axisY + 14, String.format(Locale.ROOT, "%.0f ms", v), "fill=\"#555\""));
      }
      for (Map.Entry<String, Stats> row : panel.getValue().entrySet()) {
        Stats s = row.getValue();
        int cy = y + ROW / 2;
        b.append(text(10, cy + 4, escape(row.getKey()), ""));
        if (!s.values().isEmpty()) {
          double scale = WIDTH / max;
          b.append(String.format(Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"#9ecae1\" opacity=\"0.7\"/>%n",
              LEFT + s.quantile(0.1) * scale, cy - 6, Math.max(1, (s.quantile(0.9) - s.quantile(0.1)) * scale)));
          for (double v : s.values()) {
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"#08519c\"/>%n", LEFT + v * scale, cy));
          }
          double m = LEFT + s.median() * scale;
          b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\"/>%n",
              m, cy - 9, m, cy + 9));
          b.append(text(m + 4, cy - 8, String.format(Locale.ROOT, "%.0f", s.median()), "fill=\"#d62728\" font-size=\"10\""));
        }
        y += ROW;
      }
      y += 28;
    }
    b.append(text(10, height - 8, "dots: samples; bar: p10 to p90; red: median", "fill=\"#555\" font-size=\"10\""));
    b.append("</svg>\n");
    return b.toString();
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1))));
    for (double step : List.of(1.0, 2.0, 2.5, 5.0, 10.0)) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String text(double x, double y, String s, String attrs) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>%n", x, y, attrs, s);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
