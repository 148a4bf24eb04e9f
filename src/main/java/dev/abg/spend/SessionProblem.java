package dev.abg.spend;

/** A session change that cannot be made; the admin API maps each kind to its status. */
public final class SessionProblem extends RuntimeException {

  /** Why the change was refused. */
  public enum Kind {
    NOT_FOUND, EXISTS, CLOSED
  }

  private final Kind kind;
  private final String sessionId;

  public SessionProblem(Kind kind, String sessionId, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.sessionId = sessionId;
  }

  public Kind kind() {
    return kind;
  }

  public String sessionId() {
    return sessionId;
  }

  static SessionProblem notFound(String id) {
    return new SessionProblem(Kind.NOT_FOUND, id, "no session '" + id + "': it has never sent a request and was not created (GET /abg/sessions lists them)");
  }

  static SessionProblem closed(String id) {
    return new SessionProblem(Kind.CLOSED, id, "session '" + id + "' is closed; its cap and spend can no longer change. Start a new session.");
  }
}
