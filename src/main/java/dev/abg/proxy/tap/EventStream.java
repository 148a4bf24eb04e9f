package dev.abg.proxy.tap;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;

/**
 * The part every SSE tap shares: an {@link SseParser} whose events go to the tap's handler, with the guarantees of
 * {@link UsageTap}. An event the handler cannot read is skipped; a failure of the parser itself (a bug, or a released
 * buffer) stops reading for the rest of the stream and keeps what was learned. The state is published once per chunk.
 */
final class EventStream {

  private static final Logger LOG = Logger.getLogger(EventStream.class);

  private final String tapName;
  private final SseParser.Listener handler;
  private final SseParser parser;
  private final TapState state;
  private boolean stopped;

  EventStream(String tapName, SseParser.Listener handler, int maxLineBytes, TapState state) {
    this.tapName = tapName;
    this.handler = handler;
    this.parser = new SseParser(this::dispatch, maxLineBytes);
    this.state = state;
  }

  void feed(Buffer chunk) {
    if (stopped) {
      return;
    }
    try {
      parser.handle(chunk);
    } catch (RuntimeException e) {
      stop(e);
    } finally {
      state.publish();
    }
  }

  void end() {
    try {
      if (!stopped) {
        parser.end();
      }
    } catch (RuntimeException e) {
      stop(e);
    } finally {
      state.publish();
    }
  }

  int retainedBytes() {
    return parser.retainedBytes();
  }

  private void dispatch(String name, String data) {
    try {
      handler.onEvent(name, data);
    } catch (RuntimeException e) {
      // log the decision, never the payload
      LOG.debugf("%s tap skipped an unreadable '%s' event (%s)", tapName, Json.truncate(name), e.getClass().getName());
    }
  }

  private void stop(RuntimeException e) {
    stopped = true;
    LOG.warnf("%s tap stopped reading this stream; usage so far is kept (%s)", tapName, e.getClass().getName());
  }
}
