package dev.abg.proxy;

/** Small text helpers for messages that echo user input. */
final class Texts {

  private Texts() {
  }

  /** Shortens user-supplied text for an error message, replacing control characters. */
  static String clip(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > max ? b + "…" : b.toString();
  }
}
