package dev.abg.proxy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies held in memory at once, across requests, kept under {@code max_buffered_body_mb}: a body
 * is counted from its first chunk (or its {@code content-length}) until its response has ended. Past the budget a request
 * waits briefly for room ({@link ProxyHandler}), then gets a 503 with {@code retry-after} — many large bodies at once
 * (images, PDFs) queue instead of exhausting the heap.
 */
final class BodyBudget {

  private final long maxBytes;
  private final AtomicLong held = new AtomicLong();

  BodyBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  long held() {
    return held.get();
  }

  /** One request's part of the budget; grows with its body, released once. */
  final class Share {
    private long bytes;
    private final AtomicBoolean released = new AtomicBoolean();

    /** Takes {@code more} bytes for this request; false (nothing taken) when they do not fit now. */
    boolean grow(long more) {
      while (true) {
        long now = held.get();
        if (now + more > maxBytes && now > 0) {
          return false;
        }
        if (held.compareAndSet(now, now + more)) {
          bytes += more;
          return true;
        }
      }
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        held.addAndGet(-bytes);
      }
    }
  }

  Share share() {
    return new Share();
  }
}
