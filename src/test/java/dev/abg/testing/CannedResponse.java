package dev.abg.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.abg.testing.WireJson.obj;

/**
 * A fixed answer that {@link FakeUpstream} sends instead of the normal one (see {@link FakeUpstreamConfig#respondNext}).
 * The factories build the error shapes of docs/agents.md §5–§7.
 *
 * @param status  HTTP status
 * @param headers response headers, in order (content-type included)
 * @param body    the exact body bytes
 */
public record CannedResponse(int status, Map<String, String> headers, byte[] body) {

  public CannedResponse {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  public String bodyString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The same answer with one more header (or a replaced one). */
  public CannedResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new CannedResponse(status, copy, body);
  }

  public static CannedResponse of(int status, String contentType, String body) {
    return new CannedResponse(status, Map.of("content-type", contentType), body.getBytes(StandardCharsets.UTF_8));
  }

  public static CannedResponse json(int status, String json) {
    return of(status, "application/json", json);
  }

  public static CannedResponse plainText(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text);
  }

  /** {@code {"type": "error", "error": {"type": T, "message": M}}}, the Anthropic error body. */
  public static CannedResponse anthropicError(int status, String type, String message) {
    return json(status, WireJson.write(anthropicErrorObject(type, message)));
  }

  /** 529 {@code overloaded_error}: Claude Code retries it 10 times unless {@code x-should-retry: false} is added. */
  public static CannedResponse anthropicOverloaded() {
    return anthropicError(529, "overloaded_error", "Overloaded");
  }

  /** 400 {@code invalid_request_error}. */
  public static CannedResponse anthropicInvalidRequest(String message) {
    return anthropicError(400, "invalid_request_error", message);
  }

  /** 500 {@code api_error}. */
  public static CannedResponse anthropicServerError(String message) {
    return anthropicError(500, "api_error", message);
  }

  /** The block that makes Claude Code stop after one request: 402 {@code billing_error} with {@code x-should-retry: false}. */
  public static CannedResponse anthropicBillingBlock(String message) {
    return anthropicError(402, "billing_error", message).withHeader("x-should-retry", "false");
  }

  /** A 200 event stream that carries only {@code event: error} with the given error object (a mid-stream failure). */
  public static CannedResponse anthropicStreamError(String type, String message) {
    return of(200, "text/event-stream", "event: error\ndata: " + WireJson.write(anthropicErrorObject(type, message)) + "\n\n");
  }

  /** {@code {"error": {"message": M, "type": T, "param": null, "code": C}}}, the OpenAI error body. */
  public static CannedResponse openAiError(int status, String message, String type, String code) {
    return json(status, WireJson.write(obj("error", obj("message", message, "type", type, "param", null, "code", code))));
  }

  /** A 200 event stream with a single {@code response.failed} event, byte-identical to
   *  {@link ReferenceSamples#OPENAI_RESPONSE_FAILED_INVALID_PROMPT} for code {@code invalid_prompt}. */
  public static CannedResponse openAiResponseFailed(String code, String message) {
    String data = WireJson.write(obj("type", "response.failed",
        "response", obj("id", "resp_x", "status", "failed", "error", obj("code", code, "message", message))));
    return of(200, "text/event-stream", "event: response.failed\ndata: " + data + "\n\n\n");
  }

  private static Map<String, Object> anthropicErrorObject(String type, String message) {
    return obj("type", "error", "error", obj("type", type, "message", message));
  }
}
