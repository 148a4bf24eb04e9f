package dev.abg.spend.ledger;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON string quoting for the small JSON documents the ledger writes itself (event details). */
public final class JsonText {

  private JsonText() {
  }

  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
