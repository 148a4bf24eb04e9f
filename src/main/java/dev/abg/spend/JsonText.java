package dev.abg.spend;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON string quoting for the small JSON documents the ledger writes itself (event details). */
final class JsonText {

  private JsonText() {
  }

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
