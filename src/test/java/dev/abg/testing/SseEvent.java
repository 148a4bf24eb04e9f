package dev.abg.testing;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event the fake will write.
 *
 * @param name        the {@code event:} name; for chat completions (data-only events) a label for the record
 * @param data        the {@code data:} line's content
 * @param text        whether it carries answer text (a text delta)
 * @param tokensAfter output tokens produced once this event is out ({@code -1}: unchanged)
 * @param dataOnly    chat-completions framing: no {@code event:} line
 */
record SseEvent(String name, String data, boolean text, long tokensAfter, boolean dataOnly) {

  static SseEvent named(String name, String data) {
    return new SseEvent(name, data, false, -1, false);
  }

  byte[] bytes() {
    String frame = dataOnly ? "data: " + data + "\n\n" : "event: " + name + "\ndata: " + data + "\n\n";
    return frame.getBytes(StandardCharsets.UTF_8);
  }

  /** The same event with its data cut in the middle ({@link Fault#MALFORMED_JSON}). */
  SseEvent malformed() {
    return new SseEvent(name, data.substring(0, Math.max(1, data.length() / 2)), text, tokensAfter, dataOnly);
  }
}
