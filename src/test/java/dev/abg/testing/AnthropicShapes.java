package dev.abg.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.abg.testing.FakeUpstreamConfig.Plan;

import static dev.abg.testing.WireJson.obj;

/**
 * Anthropic Messages answers in the shapes of {@link ReferenceSamples}' Anthropic samples (docs/agents.md §4): same keys, order and spacing; and the requests
 * that Claude Code and the SDKs send, which {@link AgentRequest} starts from.
 */
final class AnthropicShapes {

  static final String DEFAULT_MODEL = "claude-opus-5-5";
  static final String VERSION = "2023-06-01";
  /** The keys of a Messages request in the order the tests write them; others follow. */
  static final List<String> REQUEST_KEYS = List.of("model", "max_tokens", "stream", "metadata", "messages");

  private AnthropicShapes() {
  }

  /** What an Anthropic SDK sends with every request. */
  static Map<String, String> sdkHeaders(String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("anthropic-version", VERSION);
    headers.put("x-api-key", apiKey);
    return headers;
  }

  /** What Claude Code (2.1.332, {@code claude -p}) sends with every request, besides its session id. */
  static Map<String, String> claudeCodeHeaders(String apiKey) {
    Map<String, String> headers = sdkHeaders(apiKey);
    headers.put("user-agent", "claude-cli/2.1.332 (external, sdk-cli)");
    headers.put("x-app", "cli");
    return headers;
  }

  /** A non-streamed request of one user turn, {@code "say hi"}, with room for 1,024 output tokens. */
  static Map<String, Object> messagesRequest(String model) {
    return obj("model", model, "max_tokens", 1024, "stream", false, "messages", List.of(userTurn("say hi")));
  }

  static Map<String, Object> userTurn(String text) {
    return obj("role", "user", "content", text);
  }

  static String messageId(int seq) {
    return "msg_fake_" + seq;
  }

  /** message_start, content_block_start, ping, N × content_block_delta, content_block_stop, message_delta, message_stop. */
  static List<SseEvent> stream(Plan plan, String model, int seq) {
    boolean withUsage = plan.fault() != Fault.MISSING_USAGE;
    List<SseEvent> events = new ArrayList<>();
    Map<String, Object> message = obj("id", messageId(seq), "type", "message", "role", "assistant", "model", model, "content", List.of(),
        "stop_reason", null, "stop_sequence", null);
    if (withUsage) {
      message.put("usage", usage(plan, Math.min(1, plan.outputTokens())));
    }
    events.add(SseEvent.named("message_start", WireJson.write(obj("type", "message_start", "message", message))));
    events.add(SseEvent.named("content_block_start",
        WireJson.write(obj("type", "content_block_start", "index", 0, "content_block", obj("type", "text", "text", "")))));
    events.add(SseEvent.named("ping", WireJson.write(obj("type", "ping"))));
    List<String> pieces = plan.pieces(model);
    for (int k = 0; k < pieces.size(); k++) {
      String data = WireJson.write(obj("type", "content_block_delta", "index", 0, "delta", obj("type", "text_delta", "text", pieces.get(k))));
      events.add(new SseEvent("content_block_delta", data, true, Plan.tokensAfter(plan.outputTokens(), k + 1, pieces.size()), false));
    }
    events.add(SseEvent.named("content_block_stop", WireJson.write(obj("type", "content_block_stop", "index", 0))));
    Map<String, Object> delta = obj("type", "message_delta", "delta", obj("stop_reason", "end_turn", "stop_sequence", null));
    if (withUsage) {
      Map<String, Object> deltaUsage = plan.fullUsageInMessageDelta() ? usage(plan, plan.outputTokens()) : obj("output_tokens", plan.outputTokens());
      if (plan.usageExtras().containsKey("server_tool_use")) {
        deltaUsage.put("server_tool_use", plan.usageExtras().get("server_tool_use"));
      }
      delta.put("usage", deltaUsage);
    }
    events.add(new SseEvent("message_delta", WireJson.write(delta), false, plan.outputTokens(), false));
    events.add(SseEvent.named("message_stop", WireJson.write(obj("type", "message_stop"))));
    return events;
  }

  /** The non-streamed message. */
  static String message(Plan plan, String model, int seq) {
    Map<String, Object> message = obj("id", messageId(seq), "type", "message", "role", "assistant", "model", model,
        "content", List.of(obj("type", "text", "text", plan.fullText(model))), "stop_reason", "end_turn", "stop_sequence", null);
    if (plan.fault() != Fault.MISSING_USAGE) {
      message.put("usage", usage(plan, plan.outputTokens()));
    }
    return WireJson.write(message);
  }

  static String countTokens(Plan plan) {
    return WireJson.write(obj("input_tokens", plan.countTokens()));
  }

  static String models() {
    return WireJson.write(obj("data", List.of(
            obj("type", "model", "id", "claude-opus-5-5", "display_name", "Claude Opus 5.5", "created_at", "2026-09-01T00:00:00Z"),
            obj("type", "model", "id", "claude-haiku-5-5", "display_name", "Claude Haiku 5.5", "created_at", "2026-09-01T00:00:00Z")),
        "has_more", false, "first_id", "claude-opus-5-5", "last_id", "claude-haiku-5-5"));
  }

  private static Map<String, Object> usage(Plan plan, long output) {
    Map<String, Object> usage = obj("input_tokens", plan.inputTokens(),
        "cache_creation_input_tokens", plan.cacheWrite5mTokens() + plan.cacheWrite1hTokens(),
        "cache_read_input_tokens", plan.cacheReadTokens());
    if (plan.cacheCreationBreakdown()) {
      usage.put("cache_creation",
          obj("ephemeral_5m_input_tokens", plan.cacheWrite5mTokens(), "ephemeral_1h_input_tokens", plan.cacheWrite1hTokens()));
    }
    usage.put("output_tokens", output);
    plan.usageExtras().forEach((k, v) -> {
      if (!k.startsWith("openai_")) {
        usage.put(k, v);
      }
    });
    return usage;
  }
}
