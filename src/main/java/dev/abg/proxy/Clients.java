package dev.abg.proxy;

import dev.abg.spend.SessionId;
import io.vertx.core.MultiMap;

/** Tells the agents apart for the ledger's {@code client} column, and reads the sub-agent id. */
final class Clients {

  private Clients() {
  }

  static String detect(MultiMap headers) {
    String ua = headers.get("user-agent");
    String originator = headers.get("originator");
    if ((ua != null && ua.startsWith("claude-cli/")) || "cli".equals(headers.get("x-app")) || headers.contains("x-claude-code-session-id")) {
      return "claude-code";
    }
    if ((originator != null && originator.startsWith("codex")) || (ua != null && ua.startsWith("codex"))) {
      return "codex";
    }
    return "other";
  }

  /** Claude Code's {@code x-claude-code-agent-id} of a sub-agent; null for the main agent or a malformed value. */
  static String agentId(MultiMap headers) {
    String id = headers.get("x-claude-code-agent-id");
    return id != null && SessionId.isValid(id) ? id : null;
  }
}
