package dev.baton.cli;

import java.util.List;
import java.util.Locale;

/** The demo's leadership timeline as a standalone SVG: one lane per candidate, a bar per term. */
final class TimelineSvg {
  private static final int LEFT = 120;
  private static final int WIDTH = 760;
  private static final int LANE = 36;

  private TimelineSvg() {
  }

  static String render(Timeline timeline, List<String> identities, String title) {
    double total = Math.max(1, (timeline.endNanos() - timeline.originNanos()) / 1e9);
    int height = 70 + identities.size() * LANE + 30;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", LEFT + WIDTH + 30, height));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", escape(title)));
    int axis = 50 + identities.size() * LANE;
    for (int i = 0; i <= 10; i++) {
      double x = LEFT + WIDTH * i / 10.0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x, x, axis));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\">%.1f s</text>%n", x - 10, axis + 16, total * i / 10));
    }
    String[] colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    for (int lane = 0; lane < identities.size(); lane++) {
      int y = 50 + lane * LANE;
      b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 16, escape(identities.get(lane))));
      for (Timeline.Term t : timeline.all()) {
        if (!t.identity().equals(identities.get(lane))) {
          continue;
        }
        double start = (t.startNanos() - timeline.originNanos()) / 1e9;
        double end = ((t.endNanos() < 0 ? timeline.endNanos() : t.endNanos()) - timeline.originNanos()) / 1e9;
        b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"22\" fill=\"%s\">"
            + "<title>%s leads %.3f s to %.3f s</title></rect>%n", LEFT + WIDTH * start / total, y,
            Math.max(1, WIDTH * (end - start) / total), colors[lane % colors.length], escape(t.identity()), start, end));
      }
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
