package dev.abg.proxy;

import dev.abg.proxy.tap.TapKind;
import dev.abg.spend.Provider;

/**
 * The routes of docs/routes.md: which upstream, whether billed, and which usage tap reads the response; a method a route
 * does not serve is a 405.
 */
enum Endpoint {
  ANTHROPIC_MESSAGES(Provider.ANTHROPIC, TapKind.ANTHROPIC_MESSAGES),
  ANTHROPIC_COUNT_TOKENS(Provider.ANTHROPIC, null),
  OPENAI_RESPONSES(Provider.OPENAI, TapKind.OPENAI_RESPONSES),
  OPENAI_CHAT(Provider.OPENAI, TapKind.OPENAI_CHAT),
  /** {@code GET /v1/responses} with {@code Upgrade: websocket}: answered 426 so that Codex falls back to HTTP at once. */
  OPENAI_RESPONSES_WEBSOCKET(Provider.OPENAI, null),
  ANTHROPIC_OTHER(Provider.ANTHROPIC, null),
  OPENAI_OTHER(Provider.OPENAI, null);

  final Provider provider;
  /** The tap of a billed route; null for a route that is passed through unbilled. */
  final TapKind tapKind;

  Endpoint(Provider provider, TapKind tapKind) {
    this.provider = provider;
    this.tapKind = tapKind;
  }

  boolean billed() {
    return tapKind != null;
  }

  /**
   * @param method    the HTTP method
   * @param apiPath   the path from {@code /v1} on, without the query
   * @param prefix    the provider named by an {@code /anthropic} or {@code /openai} prefix, or null
   * @param anthropicHeaders the request carries {@code anthropic-version} or {@code x-api-key}
   * @param websocket the request asks for {@code Upgrade: websocket}
   */
  static Endpoint of(String method, String apiPath, Provider prefix, boolean anthropicHeaders, boolean websocket) {
    Endpoint route = route(method, apiPath, websocket);
    if (route == null && BILLED_PATHS.contains(apiPath)) {
      // a billed route serves POST only (CONNECT /v1/messages is never sent anywhere)
      throw ProxyFailure.methodNotAllowed("abg: " + Texts.clip(method, 20) + " " + apiPath + " is not an API call; the route serves POST", "POST");
    }
    if (route == null && !PASSED_METHODS.contains(method)) {
      throw ProxyFailure.methodNotAllowed("abg: " + Texts.clip(method, 20) + " is not a method of the provider APIs; " + apiPath
          + " is passed on for GET, POST and DELETE", "GET, POST, DELETE");
    }
    if (route != null) {
      if (prefix != null && prefix != route.provider) {
        // never send one vendor's key to the other: /anthropic/v1/chat/completions is not an Anthropic route here
        throw ProxyFailure.badRequest("abg: " + method + " " + apiPath + " is a " + route.provider.wireName() + " route; it is not proxied under /"
            + prefix.wireName() + " (remove the prefix, or use /" + route.provider.wireName() + ")");
      }
      return route;
    }
    Provider provider = prefix != null ? prefix : anthropicHeaders ? Provider.ANTHROPIC : Provider.OPENAI;
    return provider == Provider.ANTHROPIC ? ANTHROPIC_OTHER : OPENAI_OTHER;
  }

  /** The paths of the billed routes: POST only (and the WebSocket upgrade of {@code /v1/responses}). */
  private static final java.util.Set<String> BILLED_PATHS = java.util.Set.of("/v1/messages", "/v1/messages/count_tokens", "/v1/responses",
      "/v1/chat/completions", "/v1/responses/compact");
  /** The methods of the provider APIs' other calls (lists, reads, uploads, deletions), passed on unbilled. */
  private static final java.util.Set<String> PASSED_METHODS = java.util.Set.of("GET", "POST", "DELETE");

  private static Endpoint route(String method, String apiPath, boolean websocket) {
    boolean post = "POST".equals(method);
    switch (apiPath) {
      case "/v1/messages":
        if (post) {
          return ANTHROPIC_MESSAGES;
        }
        break;
      case "/v1/messages/count_tokens":
        if (post) {
          return ANTHROPIC_COUNT_TOKENS;
        }
        break;
      case "/v1/responses":
        if (post) {
          return OPENAI_RESPONSES;
        }
        if ("GET".equals(method) && websocket) {
          return OPENAI_RESPONSES_WEBSOCKET;
        }
        break;
      case "/v1/chat/completions":
        if (post) {
          return OPENAI_CHAT;
        }
        break;
      case "/v1/responses/compact":
        // Codex's remote compaction is a model call over the whole context: billed like a Responses call
        if (post) {
          return OPENAI_RESPONSES;
        }
        break;
      default:
        break;
    }
    return null;
  }
}
