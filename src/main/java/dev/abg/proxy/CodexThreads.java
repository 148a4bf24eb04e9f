package dev.abg.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.abg.spend.SessionId;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Attributes the Codex TUI's thread-title requests to the session they name a title for.
 *
 * <p>The TUI sends, beside the first turn of a thread, a title request under a <em>different</em> {@code session-id}
 * ({@code x-codex-turn-metadata.thread_source = "thread_title"}); only the {@code installation_id} and the timing link it
 * to its thread. Rule: a title request belongs to the session of the latest ordinary request of the same installation
 * (seen within the last ten minutes); when none has been seen yet, the title request waits up to three seconds for one
 * (without blocking anything) and otherwise goes to {@code default}. So a TUI launch adds no stray session.
 */
@Singleton
class CodexThreads {

  static final Duration WAIT = Duration.ofSeconds(3);
  static final Duration FRESH = Duration.ofMinutes(10);
  private static final int MAX_INSTALLATIONS = 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private record Seen(String session, long atMillis) {
  }

  private final Vertx vertx;
  private final Map<String, Seen> latest = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
      return size() > MAX_INSTALLATIONS;
    }
  };
  private final Map<String, List<Promise<String>>> waiting = new LinkedHashMap<>();

  CodexThreads(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The turn metadata of a Codex request: its installation and whether it is a title request. */
  record TurnMetadata(String installationId, boolean titleRequest) {
  }

  /** Reads {@code x-codex-turn-metadata}; null when absent or unreadable. */
  static TurnMetadata metadata(MultiMap headers) {
    String raw = headers.get("x-codex-turn-metadata");
    if (raw == null || raw.length() > 16_384) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(raw);
      JsonNode installation = node.get("installation_id");
      JsonNode source = node.get("thread_source");
      if (installation == null || !installation.isTextual()) {
        return null;
      }
      return new TurnMetadata(installation.asText(), source != null && "thread_title".equals(source.asText()));
    } catch (Exception e) {
      return null;
    }
  }

  /** An ordinary request of an installation: remembered, and any title request waiting for it is released. */
  synchronized void seen(String installationId, String session) {
    latest.put(installationId, new Seen(session, System.currentTimeMillis()));
    List<Promise<String>> waiters = waiting.remove(installationId);
    if (waiters != null) {
      waiters.forEach(p -> p.tryComplete(session));
    }
  }

  /** The session a title request belongs to. */
  Future<String> titleSession(String installationId) {
    Promise<String> promise = Promise.promise();
    synchronized (this) {
      Seen seen = latest.get(installationId);
      if (seen != null && System.currentTimeMillis() - seen.atMillis() < FRESH.toMillis()) {
        return Future.succeededFuture(seen.session());
      }
      waiting.computeIfAbsent(installationId, k -> new ArrayList<>()).add(promise);
    }
    vertx.setTimer(WAIT.toMillis(), t -> {
      synchronized (this) {
        List<Promise<String>> waiters = waiting.get(installationId);
        if (waiters != null) {
          waiters.remove(promise);
          if (waiters.isEmpty()) {
            waiting.remove(installationId);
          }
        }
      }
      promise.tryComplete(SessionId.DEFAULT);
    });
    return promise.future();
  }
}
