package dev.abg.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@link FakeUpstream} actually wrote for one streamed answer: every event with the time it was handed to the connection,
 * how many text deltas and output tokens went out before the stream ended or the connection closed (the "true upstream spend"
 * of a cut-off stream), and how the stream ended. Written by the fake's event loop, readable from any thread.
 *
 * <p>Output tokens are attributed to text deltas in proportion: after k of n deltas, {@code outputTokens * k / n} tokens have
 * been produced; the terminal usage event ({@code message_delta}, {@code response.completed}, the chat usage chunk) brings the
 * count to the configured total.
 */
public final class StreamRecord {

  /** How a stream ended. */
  public enum Outcome {
    /** All events including the terminal ones were written and the response ended. */
    COMPLETED,
    /** {@link Fault#TRUNCATE}: ended cleanly without the terminal events. */
    TRUNCATED,
    /** {@link Fault#RESET}: the fake reset the connection. */
    RESET,
    /** {@link Fault#GARBAGE}: junk was written, then the response ended. */
    GARBAGE,
    /** {@link Fault#HANG}: nobody closed the connection within the hang limit, so the fake reset it. */
    HANG_LIMIT,
    /** The client (or a proxy) closed the connection before the stream ended. */
    CLIENT_CLOSED
  }

  /**
   * One event as written.
   *
   * @param index 0-based position in the stream
   * @param name  the SSE event name ({@code chunk} for chat completions, {@code done} for its {@code [DONE]})
   * @param text  whether it carried answer text
   * @param nanos {@link System#nanoTime()} when it was handed to the connection
   * @param at    wall-clock time of the same moment
   */
  public record WrittenEvent(int index, String name, boolean text, long nanos, Instant at) {
  }

  private final int requestSeq;
  private final String route;
  private final String model;
  private final int plannedTextEvents;
  private final long plannedOutputTokens;
  private final boolean gzip;
  private final List<WrittenEvent> events = new ArrayList<>();
  private final CompletableFuture<Outcome> ended = new CompletableFuture<>();
  private int textEventsWritten;
  private long outputTokensWritten;
  private long endedNanos;

  StreamRecord(int requestSeq, String route, String model, int plannedTextEvents, long plannedOutputTokens, boolean gzip) {
    this.requestSeq = requestSeq;
    this.route = route;
    this.model = model;
    this.plannedTextEvents = plannedTextEvents;
    this.plannedOutputTokens = plannedOutputTokens;
    this.gzip = gzip;
  }

  synchronized void written(String name, boolean text, long outputTokensSoFar) {
    events.add(new WrittenEvent(events.size(), name, text, System.nanoTime(), Instant.now()));
    if (text) {
      textEventsWritten++;
    }
    outputTokensWritten = Math.max(outputTokensWritten, outputTokensSoFar);
  }

  /** Records the end once; later calls are ignored (a reset after a truncation is still a truncation). */
  synchronized boolean end(Outcome outcome) {
    if (ended.isDone()) {
      return false;
    }
    endedNanos = System.nanoTime();
    ended.complete(outcome);
    return true;
  }

  synchronized boolean isEnded() {
    return ended.isDone();
  }

  /** {@link RecordedRequest#seq()} of the request this stream answered. */
  public int requestSeq() {
    return requestSeq;
  }

  /** {@code anthropic.messages}, {@code openai.responses} or {@code openai.chat}. */
  public String route() {
    return route;
  }

  public String model() {
    return model;
  }

  public int plannedTextEvents() {
    return plannedTextEvents;
  }

  public long plannedOutputTokens() {
    return plannedOutputTokens;
  }

  /** Whether the stream was gzip-compressed (see {@link FakeUpstreamConfig#gzipWhenAccepted(boolean)}). */
  public boolean gzip() {
    return gzip;
  }

  public synchronized List<WrittenEvent> events() {
    return List.copyOf(events);
  }

  public synchronized int eventsWritten() {
    return events.size();
  }

  public synchronized int textEventsWritten() {
    return textEventsWritten;
  }

  public synchronized long outputTokensWritten() {
    return outputTokensWritten;
  }

  /** {@link System#nanoTime()} when the stream ended, or 0 while it runs. */
  public synchronized long endedNanos() {
    return endedNanos;
  }

  /** The outcome, or null while the stream runs. */
  public Outcome outcome() {
    return ended.getNow(null);
  }

  /** Waits for the stream to end. */
  public Outcome awaitEnd(Duration timeout) {
    try {
      return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("stream of request #" + requestSeq + " did not end within " + timeout + ": " + this, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public synchronized String toString() {
    return "StreamRecord[#" + requestSeq + " " + route + " " + model + ", events=" + events.size() + ", text=" + textEventsWritten + "/"
        + plannedTextEvents + ", outputTokens=" + outputTokensWritten + "/" + plannedOutputTokens + ", outcome=" + outcome() + "]";
  }
}
