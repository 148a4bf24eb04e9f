package dev.abg.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.abg.testing.FakeUpstreamConfig.Plan;

import static dev.abg.testing.WireJson.obj;

/** OpenAI Responses and Chat Completions answers; the Responses stream has the keys, order and spacing of
 *  {@link ReferenceSamples#OPENAI_RESPONSES_STREAM} (docs/agents.md §4). And the requests that Codex and the SDKs send, which {@link AgentRequest} starts from. */
final class OpenAiShapes {

  static final String DEFAULT_MODEL = "gpt-5.5-codex";
  /** The keys of a Responses request in the order the tests write them; others follow. */
  static final List<String> RESPONSES_REQUEST_KEYS = List.of("model", "stream", "input", "prompt_cache_key");
  /** The keys of a Chat Completions request in the order the tests write them; others follow. */
  static final List<String> CHAT_REQUEST_KEYS = List.of("model", "stream", "stream_options", "messages");

  private OpenAiShapes() {
  }

  /** What an OpenAI SDK sends with every request. */
  static Map<String, String> sdkHeaders(String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("authorization", "Bearer " + apiKey);
    return headers;
  }

  /** What Codex (0.171.0, {@code codex exec}) sends with every request, besides its session id. */
  static Map<String, String> codexHeaders(String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("accept", "text/event-stream");
    headers.put("authorization", "Bearer " + apiKey);
    headers.put("originator", "codex_exec");
    headers.put("user-agent", "codex_exec/0.171.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.171.0)");
    return headers;
  }

  /** A non-streamed Responses request of one user turn ({@link #codexTurn} or {@link #userTurn}). */
  static Map<String, Object> responsesRequest(String model, Map<String, Object> turn) {
    return obj("model", model, "stream", false, "input", List.of(turn));
  }

  /** A non-streamed Chat Completions request of one user turn, {@code "say hi"}. */
  static Map<String, Object> chatRequest(String model) {
    return obj("model", model, "stream", false, "messages", List.of(userTurn("say hi")));
  }

  /** A user turn as Codex writes it into {@code input}: its text in an {@code input_text} part. */
  static Map<String, Object> codexTurn(String text) {
    return obj("role", "user", "content", List.of(obj("type", "input_text", "text", text)));
  }

  /** A user turn with its text as the content, as the SDKs accept it in {@code input} and {@code messages}. */
  static Map<String, Object> userTurn(String text) {
    return obj("role", "user", "content", text);
  }

  static String responseId(int seq) {
    return "resp_fake_" + seq;
  }

  static String itemId(int seq) {
    return "msg_fake_" + seq;
  }

  static String chatId(int seq) {
    return "chatcmpl-fake" + seq;
  }

  /** created, in_progress, output_item.added, content_part.added, N × output_text.delta, output_text.done, content_part.done,
   *  output_item.done, completed. */
  static List<SseEvent> responsesStream(Plan plan, String model, int seq, long createdAt) {
    String item = itemId(seq);
    String full = String.join("", plan.pieces(model));
    List<SseEvent> events = new ArrayList<>();
    int n = 0;
    events.add(responseEvent("response.created", n++, response(plan, model, seq, createdAt, "in_progress", List.of(), false)));
    events.add(responseEvent("response.in_progress", n++, response(plan, model, seq, createdAt, "in_progress", List.of(), false)));
    events.add(event("response.output_item.added", obj("type", "response.output_item.added", "sequence_number", n++, "output_index", 0,
        "item", obj("id", item, "type", "message", "status", "in_progress", "role", "assistant", "content", List.of()))));
    events.add(event("response.content_part.added", obj("type", "response.content_part.added", "sequence_number", n++, "item_id", item,
        "output_index", 0, "content_index", 0, "part", obj("type", "output_text", "text", "", "annotations", List.of()))));
    List<String> pieces = plan.pieces(model);
    for (int k = 0; k < pieces.size(); k++) {
      String data = WireJson.write(obj("type", "response.output_text.delta", "sequence_number", n++, "item_id", item, "output_index", 0,
          "content_index", 0, "delta", pieces.get(k)));
      events.add(new SseEvent("response.output_text.delta", data, true, Plan.tokensAfter(plan.openAiOutputTokens(), k + 1, pieces.size()),
          false));
    }
    events.add(event("response.output_text.done", obj("type", "response.output_text.done", "sequence_number", n++, "item_id", item,
        "output_index", 0, "content_index", 0, "text", full)));
    events.add(event("response.content_part.done", obj("type", "response.content_part.done", "sequence_number", n++, "item_id", item,
        "output_index", 0, "content_index", 0, "part", obj("type", "output_text", "text", full, "annotations", List.of()))));
    events.add(event("response.output_item.done", obj("type", "response.output_item.done", "sequence_number", n++, "output_index", 0,
        "item", messageItem(item, full))));
    Map<String, Object> completed = response(plan, model, seq, createdAt, "completed", List.of(messageItem(item, full)), true);
    events.add(new SseEvent("response.completed",
        WireJson.write(obj("type", "response.completed", "sequence_number", n, "response", completed)), false, plan.openAiOutputTokens(),
        false));
    return events;
  }

  /** The non-streamed response object (the same object as in response.completed). */
  static String response(Plan plan, String model, int seq, long createdAt) {
    String full = plan.fullText(model);
    return WireJson.write(response(plan, model, seq, createdAt, "completed", List.of(messageItem(itemId(seq), full)), true));
  }

  /** chat.completion.chunk events: role, N × content, finish, the usage chunk when asked for, then {@code [DONE]}. */
  static List<SseEvent> chatStream(Plan plan, String model, int seq, long created, boolean includeUsage) {
    List<SseEvent> events = new ArrayList<>();
    events.add(chunk(plan, model, seq, created, includeUsage, obj("role", "assistant", "content", ""), null, false, -1));
    List<String> pieces = plan.pieces(model);
    for (int k = 0; k < pieces.size(); k++) {
      events.add(chunk(plan, model, seq, created, includeUsage, obj("content", pieces.get(k)), null, true,
          Plan.tokensAfter(plan.openAiOutputTokens(), k + 1, pieces.size())));
    }
    events.add(chunk(plan, model, seq, created, includeUsage, obj(), "stop", false, plan.openAiOutputTokens()));
    if (includeUsage && plan.fault() != Fault.MISSING_USAGE) {
      Map<String, Object> usageChunk = obj("id", chatId(seq), "object", "chat.completion.chunk", "created", created, "model", model,
          "choices", List.of(), "usage", chatUsage(plan));
      serviceTier(plan, usageChunk);
      String data = WireJson.write(usageChunk);
      events.add(new SseEvent("usage", data, false, -1, true));
    }
    events.add(new SseEvent("done", "[DONE]", false, -1, true));
    return events;
  }

  /** The non-streamed chat.completion. */
  static String chatCompletion(Plan plan, String model, int seq, long created) {
    Map<String, Object> completion = obj("id", chatId(seq), "object", "chat.completion", "created", created, "model", model,
        "choices", List.of(obj("index", 0, "message", obj("role", "assistant", "content", plan.fullText(model), "refusal", null,
            "annotations", List.of()), "logprobs", null, "finish_reason", "stop")));
    if (plan.fault() != Fault.MISSING_USAGE) {
      completion.put("usage", chatUsage(plan));
    }
    serviceTier(plan, completion);
    return WireJson.write(completion);
  }

  static String models(long created) {
    return WireJson.write(obj("object", "list", "data", List.of(
        obj("id", "gpt-5.5-codex", "object", "model", "created", created, "owned_by", "openai"),
        obj("id", "gpt-5.5", "object", "model", "created", created, "owned_by", "openai"))));
  }

  private static SseEvent chunk(Plan plan, String model, int seq, long created, boolean includeUsage, Map<String, Object> delta,
      String finishReason, boolean text, long tokensAfter) {
    Map<String, Object> chunk = obj("id", chatId(seq), "object", "chat.completion.chunk", "created", created, "model", model,
        "choices", List.of(obj("index", 0, "delta", delta, "finish_reason", finishReason)));
    if (includeUsage) {
      chunk.put("usage", null);
    }
    return new SseEvent("chunk", WireJson.write(chunk), text, tokensAfter, true);
  }

  private static Map<String, Object> chatUsage(Plan plan) {
    return obj("prompt_tokens", plan.openAiInputTokens(), "completion_tokens", plan.openAiOutputTokens(),
        "total_tokens", plan.openAiInputTokens() + plan.openAiOutputTokens(),
        "prompt_tokens_details", obj("cached_tokens", plan.openAiCachedTokens()),
        "completion_tokens_details", obj("reasoning_tokens", plan.openAiReasoningTokens()));
  }

  private static Map<String, Object> messageItem(String item, String text) {
    return obj("id", item, "type", "message", "status", "completed", "role", "assistant",
        "content", List.of(obj("type", "output_text", "text", text, "annotations", List.of())));
  }

  private static Map<String, Object> response(Plan plan, String model, int seq, long createdAt, String status, List<?> output,
      boolean withUsage) {
    Object usage = null;
    if (withUsage && plan.fault() != Fault.MISSING_USAGE) {
      usage = obj("input_tokens", plan.openAiInputTokens(), "input_tokens_details", obj("cached_tokens", plan.openAiCachedTokens()),
          "output_tokens", plan.openAiOutputTokens(), "output_tokens_details", obj("reasoning_tokens", plan.openAiReasoningTokens()),
          "total_tokens", plan.openAiInputTokens() + plan.openAiOutputTokens());
    }
    Map<String, Object> response = obj("id", responseId(seq), "object", "response", "created_at", createdAt, "model", model, "status", status,
        "output", withSearches(plan, output), "usage", usage, "error", null, "incomplete_details", null, "instructions", null, "metadata", obj(),
        "parallel_tool_calls", true, "tool_choice", "auto", "tools", List.of());
    serviceTier(plan, response);
    return response;
  }

  /** The configured {@code web_search_call} items ahead of a finished response's output ({@link FakeUpstreamConfig#openAiDimensions}). */
  private static List<?> withSearches(Plan plan, List<?> output) {
    Object calls = plan.usageExtras().get("openai_web_search_calls");
    if (!(calls instanceof Integer n) || n == 0 || output.isEmpty()) {
      return output;
    }
    List<Object> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(obj("id", "ws_fake_" + i, "type", "web_search_call", "status", "completed", "action", obj("type", "search", "query", "abg")));
    }
    all.addAll(output);
    return all;
  }

  /** The configured top-level {@code service_tier}, when one is. */
  private static void serviceTier(Plan plan, Map<String, Object> object) {
    Object tier = plan.usageExtras().get("openai_service_tier");
    if (tier != null) {
      object.put("service_tier", tier);
    }
  }

  private static SseEvent responseEvent(String type, int sequence, Map<String, Object> response) {
    return event(type, obj("type", type, "sequence_number", sequence, "response", response));
  }

  private static SseEvent event(String name, Map<String, Object> data) {
    return SseEvent.named(name, WireJson.write(data));
  }
}
