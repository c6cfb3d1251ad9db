package dev.baton.lock.lease;

import java.util.regex.Pattern;

/** Kubernetes' naming rules, checked before any request. */
final class KubernetesNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private KubernetesNames() {
  }

  /** A namespace: a DNS-1123 label. */
  static String namespace(String value) {
    if (value == null || value.length() > 63 || !LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException("namespace '" + value + "' is not a valid Kubernetes namespace: at most 63 "
          + "lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)");
    }
    return value;
  }

  /** An object name: a DNS-1123 subdomain. */
  static String name(String value, String kind) {
    if (value == null || value.length() > 253 || !SUBDOMAIN.matcher(value).matches()) {
      throw new IllegalArgumentException("name '" + value + "' is not a valid " + kind + " name: at most 253 "
          + "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)");
    }
    return value;
  }
}
