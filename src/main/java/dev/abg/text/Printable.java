package dev.abg.text;

/**
 * Makes text from outside (model names, labels, agent ids, session names, paths, upstream messages) safe to log and to
 * print on a terminal: every control character is written as an escape, so that a newline cannot forge a log line
 * ({@code [abg] BLOCKED …}) and an ANSI sequence cannot clear the operator's screen or set the window's title. Escaped:
 * C0 controls and DEL ({@code \n}, {@code \r}, {@code \t}, else {@code \x1b}), C1 controls, the Unicode line and paragraph
 * separators, and the bidirectional overrides and isolates (which reorder what a reader sees). Backslashes are left as
 * they are, so escaping twice changes nothing.
 */
public final class Printable {

  private Printable() {
  }

  /** {@code text} with every control character escaped; {@code null} stays {@code null}. */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = firstUnsafe(text);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unsafe(c)) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x100) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  /** Whether {@code text} holds nothing that {@link #escape} would change. */
  public static boolean isPrintable(String text) {
    return text == null || firstUnsafe(text) < 0;
  }

  private static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
