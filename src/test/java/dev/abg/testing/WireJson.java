package dev.abg.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly in the spacing of the recorded samples ({@code {"a": 1, "b": [2, 3]}}, i.e. Python's {@code json.dumps}
 * defaults) and keeps the key order of the {@link LinkedHashMap}s it is given, so that the fake's events are byte-identical to
 * {@link ReferenceSamples} for the same ids, model and usage. {@link #compact} writes without spaces
 * ({@code {"a":1,"b":[2,3]}}), as the agents' own clients send their requests.
 *
 * <p>Values: {@code Map} (written in iteration order), {@code List}, {@code String}, {@code Number}, {@code Boolean}, {@code null}.
 * Non-ASCII text is written as UTF-8, as the real APIs do.
 */
final class WireJson {

  private WireJson() {
  }

  /** An ordered map from alternating keys and values: {@code obj("type", "ping")}. */
  static Map<String, Object> obj(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static String write(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(value, out, ", ", ": ");
    return out.toString();
  }

  /** Without spaces between items and after keys, as JavaScript's {@code JSON.stringify} writes (the agents' requests). */
  static String compact(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(value, out, ",", ":");
    return out.toString();
  }

  private static void write(Object value, StringBuilder out, String comma, String colon) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(comma);
        }
        first = false;
        writeString((String) e.getKey(), out);
        out.append(colon);
        write(e.getValue(), out, comma, colon);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(comma);
        }
        write(list.get(i), out, comma, colon);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
