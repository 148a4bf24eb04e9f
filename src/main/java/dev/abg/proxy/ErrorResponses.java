package dev.abg.proxy;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import dev.abg.spend.Provider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes the proxy's own answers in the shape each provider's clients understand (measured against the real CLIs, see
 * docs/agents.md §5–§7):
 * <ul>
 *   <li>Anthropic: {@code {"type":"error","error":{"type":T,"message":M}}}; a budget block is 402 {@code billing_error}
 *       with {@code x-should-retry: false}, which Claude Code shows verbatim and does not retry.</li>
 *   <li>OpenAI: a budget block is 400 with the message as {@code text/plain} when the client accepts an event stream or
 *       plain text (Codex sends {@code accept: text/event-stream} and shows a plain body verbatim, once); any other client
 *       (the SDKs send no {@code Accept}, or JSON) gets {@code {"error":{...}}} JSON, which they parse into their
 *       exception's message. Other failures are JSON errors.</li>
 * </ul>
 * Mid-stream blocks are SSE events: see {@link #anthropicErrorEvent} and {@link #openAiFailedEvent}.
 */
final class ErrorResponses {

  private ErrorResponses() {
  }

  static void send(HttpServerRequest request, Provider provider, ProxyFailure failure) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    int status = failure.kind.status;
    String body;
    String type;
    if (provider == Provider.ANTHROPIC) {
      type = "application/json";
      body = "{\"type\":\"error\",\"error\":{\"type\":\"" + failure.kind.anthropicType + "\",\"message\":" + quote(failure.getMessage()) + "}}";
    } else if (failure.kind == ProxyFailure.Kind.BUDGET) {
      status = 400;
      if (wantsPlainText(request)) {
        type = "text/plain; charset=utf-8";
        body = failure.getMessage();
      } else {
        type = "application/json";
        body = openAiJson(failure.getMessage(), "invalid_request_error", "budget_exceeded");
      }
    } else {
      type = "application/json";
      body = openAiJson(failure.getMessage(), status >= 500 ? "server_error" : "invalid_request_error", failure.kind.name().toLowerCase());
    }
    if (failure.kind == ProxyFailure.Kind.BUDGET) {
      response.putHeader("x-should-retry", "false");
    }
    if (failure.retryable()) {
      response.putHeader("retry-after", failure.kind == ProxyFailure.Kind.BUSY ? "2" : "10");
    }
    failure.headers.forEach(response::putHeader);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatusCode(status).setStatusMessage(io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase())
        .putHeader("content-type", type).putHeader("content-length", Integer.toString(bytes.length))
        .end(Buffer.buffer(bytes));
  }

  /** The mid-stream block for Anthropic streams: an SSE {@code error} event with the same error object. */
  static Buffer anthropicErrorEvent(String type, String message) {
    return Buffer.buffer("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message) + "}}\n\n");
  }

  /** The mid-stream block for the Responses API: {@code response.failed} with code {@code invalid_prompt}, which Codex shows verbatim. */
  static Buffer openAiFailedEvent(String responseId, String message) {
    return Buffer.buffer("event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":" + quote(responseId == null ? "resp_abg" : responseId)
        + ",\"status\":\"failed\",\"error\":{\"code\":\"invalid_prompt\",\"message\":" + quote(message) + "}}}\n\n");
  }

  /** The mid-stream block for Chat Completions streams: an error chunk, then {@code [DONE]}. */
  static Buffer openAiChatErrorChunk(String message) {
    return Buffer.buffer("data: " + openAiJson(message, "invalid_request_error", "budget_exceeded") + "\n\ndata: [DONE]\n\n");
  }

  static String openAiJson(String message, String type, String code) {
    return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + code + "\"}}";
  }

  /** The client accepts an event stream or plain text (Codex): a plain-text block is shown verbatim. */
  static boolean wantsPlainText(HttpServerRequest request) {
    String accept = request.getHeader("accept");
    return accept != null && (accept.contains("text/event-stream") || accept.contains("text/plain"));
  }

  static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
