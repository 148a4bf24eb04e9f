package dev.abg.testing;

/**
 * A failure that {@link FakeUpstream} injects into its answers (see {@link FakeUpstreamConfig#fault(Fault, int)}).
 *
 * <p>"After K events" counts every SSE event written so far (message_start, ping, deltas, ...), not only text deltas.
 * A K at or past the number of events in the stream applies the fault after the last event.
 */
public enum Fault {
  /** Normal answers. */
  NONE,
  /** Streams: write K events, then reset the TCP connection (SO_LINGER 0 + close: an RST, no chunked terminator).
   *  Non-streams: send the headers and half of the JSON body, then reset. */
  RESET,
  /** Streams: write K events, then end the chunked response cleanly, without the terminal events.
   *  Non-streams: end cleanly after half of the JSON body (chunked, so the client cannot tell from the length). */
  TRUNCATE,
  /** Write K events, then bytes that are not SSE (and not JSON), then end cleanly. Non-streams: the junk is the whole body. */
  GARBAGE,
  /** Send the status and headers (and K events), then nothing, until the client closes or {@link FakeUpstreamConfig#hangLimitMs}
   *  passes, when the fake resets the connection. */
  HANG,
  /** Non-streams: a 200 whose {@code application/json} body is cut in the middle of an object.
   *  Streams: the data line of event K is cut the same way; the other events are normal. */
  MALFORMED_JSON,
  /** Every usage object is left out: Anthropic {@code usage} keys are omitted, OpenAI Responses send {@code "usage": null},
   *  chat completions never send the usage chunk. */
  MISSING_USAGE
}
