package dev.abg.proxy.tap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.abg.proxy.bytes.NettyBytes;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * An incremental {@code text/event-stream} parser that accepts chunks split anywhere: inside a field name, between the
 * {@code \r} and {@code \n} of a line end, inside a multi-byte UTF-8 character.
 *
 * <p>Modeled on Quarkus's {@code SseParser}, with one difference: it keeps only the unfinished <em>line</em> (bytes copied in
 * bulk into a reused array) and the current event's joined data, never the raw bytes of the unfinished event, so a chunk
 * boundary never makes it scan a byte twice. Bytes are decoded as UTF-8 only once a line or an event is complete, so a
 * split character is never seen half; invalid UTF-8 becomes U+FFFD and never fails. Line ends are LF, CRLF or a lone CR.
 *
 * <p>What reaches the {@link Listener}: every event with at least one {@code data} field, as its name ({@code event} field,
 * {@value #DEFAULT_EVENT_NAME} when there is none) and its data lines joined with {@code \n}. Comments, {@code id},
 * {@code retry} and unknown fields are skipped (a proxy never reconnects).
 *
 * <p>Memory is bounded by {@code maxLineBytes}: a line longer than that, or an event whose joined data would grow past it, is
 * discarded together with the rest of its event, and parsing resumes after the next blank line.
 *
 * <p>End of stream ({@link #end()}): the SSE spec drops an event that is not closed by a blank line. We dispatch it when all
 * of its lines were terminated (only the closing blank line is missing, as some upstreams and mocks end a stream), and drop
 * it when its last line was cut off without a line end, since that line may be a truncated piece of data.
 *
 * <p>Not thread-safe: one stream, one thread at a time (the event loop that delivers the chunks).
 */
final class SseParser implements Handler<Buffer> {

  /** Receives each complete event. */
  @FunctionalInterface
  interface Listener {
    void onEvent(String name, String data);
  }

  static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
  static final String DEFAULT_EVENT_NAME = "message";

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte COLON = ':';
  private static final byte SPACE = ' ';
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  /** Event names up to this size are cached, so a stream of identical names decodes each name once. */
  private static final int MAX_CACHED_NAME_BYTES = 64;

  private final Listener listener;
  /** The unfinished line, without its line end. */
  private final BoundedBytes line;
  /** The current event's data lines joined with LF. */
  private final BoundedBytes data;

  /** The current line has at least one byte (also when the bytes are not kept), so it is not a blank line. */
  private boolean lineStarted;
  /** The last byte seen was a CR: an LF at the start of the next chunk belongs to the same line end. */
  private boolean afterCr;
  /** Skipping the rest of an event that grew too large, until the next blank line. */
  private boolean resyncing;
  private boolean firstLine = true;
  private boolean hasData;
  private String eventName;
  private byte[] cachedNameBytes;
  private String cachedName;
  private boolean ended;

  SseParser(Listener listener) {
    this(listener, DEFAULT_MAX_LINE_BYTES);
  }

  SseParser(Listener listener, int maxLineBytes) {
    this.listener = listener;
    this.line = new BoundedBytes(maxLineBytes);
    this.data = new BoundedBytes(maxLineBytes);
  }

  /*
   * stream      = [ bom ] *( line end-of-line )
   * end-of-line = ( cr lf / cr / lf )
   *
   * A chunk may end anywhere; what is left of an unfinished line is kept and completed by the next chunk.
   */
  @Override
  public void handle(Buffer chunk) {
    if (ended || chunk == null) {
      return;
    }
    ByteBuf bytes = NettyBytes.of(chunk);   // a view: line ends found in one pass with forEachByte
    int length = chunk.length();
    int position = 0;
    if (afterCr && length > 0) {
      afterCr = false;
      if (chunk.getByte(0) == LF) {
        position = 1;
      }
    }
    while (position < length) {
      int endOfLine = bytes.forEachByte(position, length - position, ByteProcessor.FIND_CRLF);
      if (endOfLine < 0) {
        appendToLine(chunk, position, length);
        return;
      }
      appendToLine(chunk, position, endOfLine);
      if (chunk.getByte(endOfLine) == CR) {
        if (endOfLine + 1 == length) {
          afterCr = true;
        } else if (chunk.getByte(endOfLine + 1) == LF) {
          endOfLine++;
        }
      }
      position = endOfLine + 1;
      parseLine();
    }
  }

  /**
   * Ends the stream: dispatches a last event whose lines were all terminated but that lacks the closing blank line, drops
   * an event whose last line has no line end, and releases the buffers. Later chunks are ignored.
   */
  void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (!resyncing && !lineStarted) {
      dispatchEvent();
    }
    resetEvent();
    line.release();
    data.release();
  }

  /** Bytes held right now by the line and data buffers (for tests that check that memory stays bounded). */
  int retainedBytes() {
    return line.capacity() + data.capacity();
  }

  private void appendToLine(Buffer chunk, int from, int to) {
    if (from == to) {
      return;
    }
    lineStarted = true;
    if (!resyncing && !line.append(chunk, from, to)) {
      beginResync();
    }
  }

  /*
   * line       = blank-line / comment / field
   * blank-line = ""                                      ; dispatches the event
   * comment    = colon *any-char
   * field      = 1*name-char [ colon [ space ] *any-char ]
   */
  private void parseLine() {
    boolean blank = !lineStarted;
    lineStarted = false;
    boolean first = firstLine;
    firstLine = false;
    if (resyncing) {
      resyncing = !blank;
      line.clear();
      return;
    }
    byte[] bytes = line.array();
    int end = line.length();
    int start = first && startsWith(bytes, end, BOM) ? BOM.length : 0;
    if (blank || start == end) {
      dispatchEvent();
    } else if (bytes[start] != COLON) {
      parseField(bytes, start, end);
    }
    line.clear();
  }

  /*
   * field = 1*name-char [ colon [ space ] *any-char ]
   *
   * "data"  appends its value to the event's data, after an LF when there is data already;
   * "event" sets the event's name; every other field is ignored. No colon: the whole line is the name, the value is "".
   */
  private void parseField(byte[] bytes, int start, int end) {
    int colon = indexOf(bytes, start, end, COLON);
    int nameEnd = colon < 0 ? end : colon;
    int valueStart = colon < 0 ? end : colon + 1;
    if (valueStart < end && bytes[valueStart] == SPACE) {
      valueStart++;
    }
    if (Arrays.equals(bytes, start, nameEnd, DATA, 0, DATA.length)) {
      boolean fits = (!hasData || data.append(LF)) && data.append(bytes, valueStart, end - valueStart);
      if (fits) {
        hasData = true;
      } else {
        beginResync();
      }
    } else if (Arrays.equals(bytes, start, nameEnd, EVENT, 0, EVENT.length)) {
      eventName = decodeName(bytes, valueStart, end);
    }
  }

  /*
   * dispatch = an event with data goes to the listener as (name, data); an event without data is dropped.
   */
  private void dispatchEvent() {
    if (!hasData) {
      resetEvent();
      return;
    }
    String name = eventName == null ? DEFAULT_EVENT_NAME : eventName;
    String text = new String(data.array(), 0, data.length(), StandardCharsets.UTF_8);
    // reset first, so that the parser stays consistent whatever the listener does
    resetEvent();
    listener.onEvent(name, text);
  }

  private void beginResync() {
    resyncing = true;
    line.clear();
    resetEvent();
  }

  private void resetEvent() {
    eventName = null;
    hasData = false;
    data.clear();
  }

  private String decodeName(byte[] bytes, int from, int to) {
    if (cachedNameBytes != null && Arrays.equals(bytes, from, to, cachedNameBytes, 0, cachedNameBytes.length)) {
      return cachedName;
    }
    String name = new String(bytes, from, to - from, StandardCharsets.UTF_8);
    if (to - from <= MAX_CACHED_NAME_BYTES) {
      cachedNameBytes = Arrays.copyOfRange(bytes, from, to);
      cachedName = name;
    }
    return name;
  }

  private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
    return length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int indexOf(byte[] bytes, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
