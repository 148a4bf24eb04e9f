package dev.abg.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One request of an agent or SDK, for the tests to send to the proxy (or straight to {@link FakeUpstream}): a {@code POST} with the
 * client's headers and a JSON body in the shapes of {@link AnthropicShapes} and {@link OpenAiShapes}, written without spaces as the
 * clients write it. Start from the client's preset and change only what the test is about:
 *
 * <pre>{@code
 * HttpRequest r = AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).abgSession("s1").http(baseUrl).build();
 * // {"model":"claude-sonnet-4-6","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"say hi"}]}
 * }</pre>
 *
 * Body keys keep the order of their shape ({@link AnthropicShapes#REQUEST_KEYS} and the like) whichever order they are set in, so a
 * body is the same bytes however it was built. Mutable; {@link #copy()} before changing a preset that is sent again.
 */
public final class AgentRequest {

  /** The test keys the agents run with ({@link AgentCli}); the fake upstream accepts any. */
  public static final String ANTHROPIC_API_KEY = AgentCli.ANTHROPIC_API_KEY;
  public static final String OPENAI_API_KEY = AgentCli.OPENAI_API_KEY;

  private enum Client {
    CLAUDE_CODE, ANTHROPIC_SDK, CODEX, OPENAI_SDK;

    boolean anthropic() {
      return this == CLAUDE_CODE || this == ANTHROPIC_SDK;
    }
  }

  private final Client client;
  private final List<String> keyOrder;
  /** The key of the conversation: {@code messages} or {@code input}. */
  private final String turns;
  private final Function<String, Map<String, Object>> turn;
  private final Map<String, Object> body;
  private final Map<String, String> headers;
  private String path;
  private String sessionInPath;

  private AgentRequest(Client client, String path, List<String> keyOrder, String turns, Function<String, Map<String, Object>> turn,
      Map<String, Object> body, Map<String, String> headers) {
    this.client = client;
    this.path = path;
    this.keyOrder = keyOrder;
    this.turns = turns;
    this.turn = turn;
    this.body = new LinkedHashMap<>(body);
    this.headers = new LinkedHashMap<>(headers);
  }

  /** {@code POST /v1/messages} as Claude Code sends it (its user-agent and {@code x-app: cli}); non-streamed, {@code "say hi"}. */
  public static AgentRequest claudeCode(String model) {
    return new AgentRequest(Client.CLAUDE_CODE, "/v1/messages", AnthropicShapes.REQUEST_KEYS, "messages", AnthropicShapes::userTurn,
        AnthropicShapes.messagesRequest(model), AnthropicShapes.claudeCodeHeaders(ANTHROPIC_API_KEY));
  }

  /** {@code POST /v1/messages} as an Anthropic SDK or script sends it: content type, version and key only. */
  public static AgentRequest anthropic(String model) {
    return new AgentRequest(Client.ANTHROPIC_SDK, "/v1/messages", AnthropicShapes.REQUEST_KEYS, "messages", AnthropicShapes::userTurn,
        AnthropicShapes.messagesRequest(model), AnthropicShapes.sdkHeaders(ANTHROPIC_API_KEY));
  }

  /** {@code POST /v1/responses} as Codex sends it (its originator, user-agent and {@code input_text} parts); non-streamed. */
  public static AgentRequest codex(String model) {
    return new AgentRequest(Client.CODEX, "/v1/responses", OpenAiShapes.RESPONSES_REQUEST_KEYS, "input", OpenAiShapes::codexTurn,
        OpenAiShapes.responsesRequest(model, OpenAiShapes.codexTurn("say hi")), OpenAiShapes.codexHeaders(OPENAI_API_KEY));
  }

  /** {@code POST /v1/responses} as an OpenAI SDK sends it: content type and key only, the turn's text as its content. */
  public static AgentRequest responses(String model) {
    return new AgentRequest(Client.OPENAI_SDK, "/v1/responses", OpenAiShapes.RESPONSES_REQUEST_KEYS, "input", OpenAiShapes::userTurn,
        OpenAiShapes.responsesRequest(model, OpenAiShapes.userTurn("say hi")), OpenAiShapes.sdkHeaders(OPENAI_API_KEY));
  }

  /** {@code POST /v1/chat/completions} as an OpenAI SDK sends it; non-streamed, {@code "say hi"}. */
  public static AgentRequest chat(String model) {
    return new AgentRequest(Client.OPENAI_SDK, "/v1/chat/completions", OpenAiShapes.CHAT_REQUEST_KEYS, "messages", OpenAiShapes::userTurn,
        OpenAiShapes.chatRequest(model), OpenAiShapes.sdkHeaders(OPENAI_API_KEY));
  }

  public AgentRequest copy() {
    AgentRequest copy = new AgentRequest(client, path, keyOrder, turns, turn, body, headers);
    copy.sessionInPath = sessionInPath;
    return copy;
  }

  // ---------------------------------------------------------------- the body

  public AgentRequest stream(boolean stream) {
    return field("stream", stream);
  }

  public AgentRequest maxTokens(int maxTokens) {
    return field("max_tokens", maxTokens);
  }

  /** One user turn with this text (instead of {@code "say hi"}). */
  public AgentRequest prompt(String text) {
    return field(turns, List.of(turn.apply(text)));
  }

  /** An empty conversation: {@code "messages": []} or {@code "input": []}. */
  public AgentRequest noTurns() {
    return field(turns, List.of());
  }

  /** Sets a body key (a map, list, string, number, boolean or null), in its place in the shape's key order. */
  public AgentRequest field(String key, Object value) {
    body.put(key, value);
    return this;
  }

  /** Leaves a body key out (e.g. {@code "stream"}, for a request that does not name it). */
  public AgentRequest without(String key) {
    body.remove(key);
    return this;
  }

  // ---------------------------------------------------------------- headers and path

  /** Sets a header, replacing one of the same name in any case. */
  public AgentRequest header(String name, String value) {
    withoutHeader(name);
    headers.put(name, value);
    return this;
  }

  public AgentRequest withoutHeader(String name) {
    headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
    return this;
  }

  /** The key where the client sends it: {@code x-api-key} for Anthropic, {@code Authorization: Bearer} for OpenAI. */
  public AgentRequest apiKey(String key) {
    return client.anthropic() ? header("x-api-key", key) : header("authorization", "Bearer " + key);
  }

  /** abg's own session header, {@code x-abg-session-id}, which any client can send. */
  public AgentRequest abgSession(String session) {
    return header("x-abg-session-id", session);
  }

  /**
   * The session id as the agent itself sends it: Claude Code in {@code X-Claude-Code-Session-Id}; Codex in {@code session-id} and
   * as the body's {@code prompt_cache_key}.
   */
  public AgentRequest session(String session) {
    switch (client) {
      case CLAUDE_CODE -> header("X-Claude-Code-Session-Id", session);
      case CODEX -> header("session-id", session).field("prompt_cache_key", session);
      default -> throw new IllegalStateException(client + " sends no session id of its own; use abgSession");
    }
    return this;
  }

  /** Asks the fake upstream for a fault in this one answer, e.g. {@code RESET:3} (see {@link FakeUpstream}). */
  public AgentRequest fault(String fault) {
    return header(Exchange.FAULT_HEADER, fault);
  }

  /** The path without a session prefix, query included: {@code /v1/messages?beta=true}, {@code /anthropic/v1/messages}. */
  public AgentRequest path(String path) {
    this.path = path;
    return this;
  }

  /** Names the session in the path, {@code /s/SESSION/v1/...}, as {@code abg run} sets the agents' base URL. */
  public AgentRequest sessionInPath(String session) {
    this.sessionInPath = session;
    return this;
  }

  // ---------------------------------------------------------------- what is sent

  public String path() {
    return sessionInPath == null ? path : "/s/" + sessionInPath + path;
  }

  public Map<String, String> headers() {
    return new LinkedHashMap<>(headers);
  }

  public String body() {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(body.entrySet());
    entries.sort((a, b) -> Integer.compare(rank(a.getKey()), rank(b.getKey())));   // stable: the keys of no shape keep their order
    Map<String, Object> ordered = new LinkedHashMap<>();
    entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return WireJson.compact(ordered);
  }

  /** The request to {@code baseUrl + path()} (30 s timeout), for {@link java.net.http.HttpClient}. */
  public HttpRequest.Builder http(String baseUrl) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path())).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body()));
    headers.forEach(b::header);
    return b;
  }

  @Override
  public String toString() {
    return "POST " + path() + " " + headers + " " + body();
  }

  private int rank(String key) {
    int i = keyOrder.indexOf(key);
    return i < 0 ? keyOrder.size() : i;
  }
}
