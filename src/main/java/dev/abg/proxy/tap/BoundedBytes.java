package dev.abg.proxy.tap;

import io.vertx.core.buffer.Buffer;

/**
 * A growable byte array with a hard upper bound, reused across lines, events and bodies.
 *
 * <p>It grows by doubling up to {@code limit} and gives large arrays back on {@link #clear()}, so a parser that once saw a
 * 10 MiB line does not keep 10 MiB for the rest of a long stream.
 */
final class BoundedBytes {

  private static final int INITIAL_CAPACITY = 256;
  /** Arrays larger than this are dropped on {@link #clear()} rather than kept for reuse. */
  private static final int RETAIN_CAPACITY = 64 * 1024;
  private static final byte[] EMPTY = new byte[0];

  private final int limit;
  private byte[] bytes = EMPTY;
  private int length;

  BoundedBytes(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
  }

  /** Appends {@code chunk[from, to)}; returns false, and appends nothing, when that would pass the limit. */
  boolean append(Buffer chunk, int from, int to) {
    int count = to - from;
    if (!reserve(count)) {
      return false;
    }
    chunk.getBytes(from, to, bytes, length);
    length += count;
    return true;
  }

  /** Appends {@code source[offset, offset + count)}; returns false, and appends nothing, when that would pass the limit. */
  boolean append(byte[] source, int offset, int count) {
    if (!reserve(count)) {
      return false;
    }
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
    return true;
  }

  /** Appends one byte; returns false, and appends nothing, when that would pass the limit. */
  boolean append(byte b) {
    if (!reserve(1)) {
      return false;
    }
    bytes[length++] = b;
    return true;
  }

  /** The backing array; only {@code [0, length())} is meaningful, and only until the next call that changes this object. */
  byte[] array() {
    return bytes;
  }

  int length() {
    return length;
  }

  /** Bytes held in memory right now (the backing array's size), for tests that check that memory stays bounded. */
  int capacity() {
    return bytes.length;
  }

  /** Empties the content; keeps a small backing array for reuse and drops a large one. */
  void clear() {
    length = 0;
    if (bytes.length > RETAIN_CAPACITY) {
      bytes = EMPTY;
    }
  }

  /** Empties the content and drops the backing array. */
  void release() {
    length = 0;
    bytes = EMPTY;
  }

  private boolean reserve(int count) {
    if (count > limit - length) {
      return false;
    }
    int needed = length + count;
    if (needed > bytes.length) {
      long doubled = Math.max(INITIAL_CAPACITY, 2L * bytes.length);
      int capacity = (int) Math.min(limit, Math.max(needed, doubled));
      byte[] grown = new byte[capacity];
      System.arraycopy(bytes, 0, grown, 0, length);
      bytes = grown;
    }
    return true;
  }
}
