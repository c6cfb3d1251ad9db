package dev.baton.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Translates the elector's configuration names in its validation messages into {@code baton.*} properties. */
final class PropertyNames {

  private static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

  static {
    PROPERTIES.put("leaseDuration", "baton.lease-duration");
    PROPERTIES.put("renewDeadline", "baton.renew-deadline");
    PROPERTIES.put("retryPeriod", "baton.retry-period");
    PROPERTIES.put("watchdogTimeout", "baton.watchdog-timeout");
    PROPERTIES.put("lock identity", "baton.identity");
  }

  private static final Pattern NAMES = Pattern.compile("\\b(" + String.join("|", PROPERTIES.keySet()) + ")\\b");

  private PropertyNames() {
  }

  /**
   * @param message a message of {@code LeaderElectionConfig.Builder.build()}
   * @return the message naming {@code baton.*} properties
   */
  static String inMessage(String message) {
    Matcher m = NAMES.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(PROPERTIES.get(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
