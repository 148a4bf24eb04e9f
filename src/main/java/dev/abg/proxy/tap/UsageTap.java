package dev.abg.proxy.tap;

import io.vertx.core.buffer.Buffer;

/**
 * Reads token usage from an upstream response while the proxy passes its bytes to the agent unchanged. The proxy feeds
 * every chunk it forwards, in order, calls {@link #end()} when the response ends (normally, on error or on client abort),
 * and may read {@link #snapshot()} after any chunk to meter a live stream.
 *
 * <p>A tap only reads: it never changes, holds back or fails the stream. {@link #feed(Buffer)} and {@link #end()} never throw,
 * whatever the bytes; a part of the response it cannot read leaves what it has learned so far as it was. Memory is bounded
 * (16 MiB per line, event or body by default) whatever the response's length.
 *
 * <p>One instance per response. Feed and end from one thread at a time (the event loop that delivers the response);
 * {@link #snapshot()} may be called from any thread and sees the state as of the end of the last {@code feed} or {@code end}.
 *
 * <p>Get one from {@link UsageTaps#create(TapKind, boolean)}.
 */
public sealed interface UsageTap permits SseUsageTap, JsonBodyTap {

  /** Reads one chunk of the response body, split anywhere. Never throws; ignores {@code null} and chunks after {@link #end()}. */
  void feed(Buffer chunk);

  /** The response body is over (complete or cut off). Idempotent; never throws. */
  void end();

  /** What has been read so far; cheap (no parsing, no allocation when nothing changed). Never {@code null}. */
  TapSnapshot snapshot();
}
