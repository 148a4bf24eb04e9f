package dev.abg.proxy;

/**
 * A failure the proxy answers itself, carrying its status and kind; {@link ErrorResponses} turns it into the provider's
 * error shape. This is the one place where failures get their HTTP status.
 */
final class ProxyFailure extends RuntimeException {

  /** What went wrong, each with its status and its Anthropic error type. */
  enum Kind {
    BAD_REQUEST(400, "invalid_request_error"),
    /** The edge's 401: {@code /q/*} without the admin token never reaches a proxy route; kept for the shape's sake. */
    UNAUTHORIZED(401, "authentication_error"),
    /** A write from another web site (the edge's 403). */
    FORBIDDEN(403, "permission_error"),
    NOT_FOUND(404, "not_found_error"),
    /** A method the route does not serve; carries the {@code Allow} header. */
    METHOD_NOT_ALLOWED(405, "invalid_request_error"),
    TOO_LARGE(413, "request_too_large"),
    /** A {@code Host} that is not abg's own (DNS rebinding, or a request meant for another server). */
    MISDIRECTED(421, "invalid_request_error"),
    /** A budget block: 402 for Anthropic clients; 400 for OpenAI clients (the status Codex does not retry). */
    BUDGET(402, "billing_error"),
    UPSTREAM_UNREACHABLE(502, "api_error"),
    UPSTREAM_TIMEOUT(504, "timeout_error"),
    /** Team mode: the shared ledger (PostgreSQL) did not answer, so no budget decision could be made. */
    LEDGER_UNAVAILABLE(503, "api_error"),
    /** The ledger cannot take writes (a full disk, a lock, the store away): no new request is taken until it can. */
    LEDGER_UNWRITABLE(503, "api_error"),
    /** The bodies held in memory are at {@code max_buffered_body_mb}: the request may be tried again shortly. */
    BUSY(503, "overloaded_error"),
    /** The proxy is stopping (SIGTERM): it takes no new request. */
    SHUTTING_DOWN(503, "overloaded_error"),
    INTERNAL(500, "api_error");

    final int status;
    final String anthropicType;

    Kind(int status, String anthropicType) {
      this.status = status;
      this.anthropicType = anthropicType;
    }
  }

  final Kind kind;
  /** Headers the answer carries ({@code Allow} of a 405). */
  final java.util.Map<String, String> headers;

  ProxyFailure(Kind kind, String message) {
    this(kind, message, java.util.Map.of());
  }

  ProxyFailure(Kind kind, String message, java.util.Map<String, String> headers) {
    super(message, null, false, false);
    this.kind = kind;
    this.headers = headers;
  }

  static ProxyFailure methodNotAllowed(String message, String allow) {
    return new ProxyFailure(Kind.METHOD_NOT_ALLOWED, message, java.util.Map.of("Allow", allow));
  }

  /** A refusal of the edge ({@code dev.abg.edge}), answered in the provider's shape. */
  static ProxyFailure refused(dev.abg.edge.Refusal refusal) {
    Kind kind = switch (refusal.status()) {
      case 401 -> Kind.UNAUTHORIZED;
      case 403 -> Kind.FORBIDDEN;
      case 405 -> Kind.METHOD_NOT_ALLOWED;
      case 421 -> Kind.MISDIRECTED;
      default -> Kind.BAD_REQUEST;
    };
    return new ProxyFailure(kind, "abg: " + refusal.detail(), refusal.headers());
  }

  static ProxyFailure badRequest(String message) {
    return new ProxyFailure(Kind.BAD_REQUEST, message);
  }

  static ProxyFailure notFound(String message) {
    return new ProxyFailure(Kind.NOT_FOUND, message);
  }

  static ProxyFailure budget(String message) {
    return new ProxyFailure(Kind.BUDGET, message);
  }

  static ProxyFailure ledgerUnavailable(Throwable cause) {
    Throwable root = cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    return new ProxyFailure(Kind.LEDGER_UNAVAILABLE, "abg: the shared ledger cannot decide on this request now (" + Texts.clip(String.valueOf(root.getMessage()), 160)
        + "); nothing was sent upstream");
  }

  /** Maps an exception from the upstream connection to a failure with a message the agent can show. */
  static ProxyFailure ledgerUnwritable(String problem) {
    return new ProxyFailure(Kind.LEDGER_UNWRITABLE, "abg: the ledger cannot be written: " + problem + "; requests are refused until it can");
  }

  /** Whether the agent may try again shortly: the answer carries {@code retry-after}. */
  boolean retryable() {
    return kind == Kind.LEDGER_UNWRITABLE || kind == Kind.BUSY || kind == Kind.SHUTTING_DOWN || kind == Kind.LEDGER_UNAVAILABLE;
  }

  static ProxyFailure upstream(Throwable cause, String upstream) {
    if (cause instanceof ProxyFailure failure) {
      return failure;
    }
    String what = cause.getClass().getSimpleName();
    String detail = cause.getMessage() == null ? what : cause.getMessage();
    if (cause instanceof java.util.concurrent.TimeoutException || what.contains("Timeout") || detail.contains("timed out")) {
      return new ProxyFailure(Kind.UPSTREAM_TIMEOUT, "abg: the upstream " + upstream + " did not answer in time (" + Texts.clip(detail, 160) + ")");
    }
    return new ProxyFailure(Kind.UPSTREAM_UNREACHABLE, "abg: cannot reach the upstream " + upstream + " (" + Texts.clip(detail, 160) + ")");
  }
}
