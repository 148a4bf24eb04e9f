package dev.abg.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One request as {@link FakeUpstream} received it.
 *
 * @param seq           1-based arrival number since start or the last {@link FakeUpstream#reset()}
 * @param method        e.g. {@code POST}
 * @param uri           path with query, as sent: {@code /v1/messages?beta=true}
 * @param path          path without query: {@code /v1/messages}
 * @param headers       a case-insensitive copy of the request headers (do not modify)
 * @param body          the body bytes, as sent (not decompressed)
 * @param receivedAt    wall-clock time the whole body had arrived
 * @param receivedNanos {@link System#nanoTime()} at that moment, to compare with {@link StreamRecord.WrittenEvent#nanos()}
 */
public record RecordedRequest(int seq, String method, String uri, String path, MultiMap headers, byte[] body, Instant receivedAt,
    long receivedNanos) {

  /** The first value of a header, any case, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** All values of a header, any case. */
  public List<String> headerValues(String name) {
    return headers.getAll(name);
  }

  public String bodyString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as a JSON object, or null when it is not one. */
  public JsonObject bodyJson() {
    try {
      return body.length == 0 ? null : new JsonObject(bodyString());
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** True when the JSON body has {@code "stream": true}. */
  public boolean wantsStream() {
    JsonObject json = bodyJson();
    return json != null && Boolean.TRUE.equals(json.getValue("stream"));
  }

  @Override
  public String toString() {
    return "#" + seq + " " + method + " " + uri + " (" + body.length + " bytes)";
  }
}
