package dev.abg.proxy;

/**
 * How a billed exchange ends — every way it can. {@link BilledExchange#finish} takes one, settles the request exactly
 * once, and then answers the agent as the ending asks.
 */
sealed interface Ending {

  /** The upstream ended its response normally: the agent gets the rest, once the row has committed. */
  record Completed() implements Ending {
  }

  /**
   * The session (or the day) reached its cap while the request was in flight: the upstream is stopped, and the agent
   * gets the provider's mid-stream block, or the ordinary block when nothing was sent yet.
   */
  record CutOff(String message) implements Ending {
  }

  /** The upstream connection broke, or went silent past the idle timeout, after its response began. */
  record UpstreamBroke(ProxyFailure failure) implements Ending {
  }

  /** No response arrived: the upstream could not be reached, or timed out. */
  record NoResponse(ProxyFailure failure) implements Ending {
  }

  /** The agent closed the connection first: the upstream is stopped, nothing is answered. */
  record ClientGone() implements Ending {
  }

  /**
   * The proxy is stopping and {@code shutdown_drain_s} has passed: the upstream is stopped, and the agent gets the
   * provider's mid-stream error (or a 503 when nothing was sent yet).
   */
  record Shutdown(String message) implements Ending {
  }

  /** Whether this ending stops a request still running upstream. */
  default boolean stopsUpstream() {
    return this instanceof CutOff || this instanceof ClientGone || this instanceof Shutdown;
  }
}
