package dev.abg.proxy;

import java.util.List;

import dev.abg.spend.SessionId;
import io.vertx.core.MultiMap;

/**
 * Finds the session a request belongs to, in the README's order ("Sessions"): the {@code /s/{session}} path prefix; the
 * {@code x-abg-session-id} header; the agent's own session id ({@code X-Claude-Code-Session-Id} from Claude Code, then
 * Claude Code's {@code metadata.user_id} session, then Codex's {@code session-id} header and {@code prompt_cache_key});
 * else {@code default}. Ids are validated; a bad or conflicting one is refused with a clear message.
 */
final class SessionResolver {

  private SessionResolver() {
  }

  /** @param facts the billed request's body facts, or null for a pass-through request */
  static String resolve(String pathSession, MultiMap headers, RequestFacts facts) {
    if (pathSession != null) {
      return validated(pathSession, "the /s/{session} path prefix");
    }
    String explicit = single(headers, "x-abg-session-id");
    if (explicit != null) {
      return validated(explicit, "the x-abg-session-id header");
    }
    String claude = single(headers, "x-claude-code-session-id");
    if (claude != null) {
      return validated(claude, "the X-Claude-Code-Session-Id header");
    }
    if (facts != null && facts.metadataSession() != null) {
      return validated(facts.metadataSession(), "metadata.user_id's session_id");
    }
    String codex = single(headers, "session-id");
    if (codex != null) {
      return validated(codex, "the session-id header");
    }
    if (facts != null && facts.promptCacheKey() != null && SessionId.isValid(facts.promptCacheKey())) {
      return facts.promptCacheKey();
    }
    return SessionId.DEFAULT;
  }

  /** The session is named explicitly (path prefix or {@code x-abg-session-id}), not taken from the agent's own id. */
  static boolean explicit(String pathSession, MultiMap headers) {
    return pathSession != null || headers.contains("x-abg-session-id");
  }

  static String validated(String id, String source) {
    if (!SessionId.isValid(id)) {
      throw ProxyFailure.badRequest("abg: invalid session id '" + Texts.clip(id, 40) + "' in " + source + ": a session id " + SessionId.RULE);
    }
    return id;
  }

  /** A header's value; the same header given twice with different values is a conflict. */
  private static String single(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    String first = values.get(0).trim();
    for (int i = 1; i < values.size(); i++) {
      if (!values.get(i).trim().equals(first)) {
        throw ProxyFailure.badRequest("abg: the " + name + " header is given more than once with different values; send one session id");
      }
    }
    return first.isEmpty() ? null : first;
  }
}
