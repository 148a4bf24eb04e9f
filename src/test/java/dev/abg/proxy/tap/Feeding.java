package dev.abg.proxy.tap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.TreeSet;

import io.vertx.core.buffer.Buffer;

/** Test helpers: fixtures from the classpath and the ways of feeding them to a tap. */
final class Feeding {

  private Feeding() {
  }

  static byte[] fixture(String path) {
    try (InputStream in = Feeding.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static TapSnapshot whole(UsageTap tap, byte[] bytes) {
    tap.feed(Buffer.buffer(bytes));
    tap.end();
    return tap.snapshot();
  }

  static TapSnapshot byteByByte(UsageTap tap, byte[] bytes) {
    for (byte b : bytes) {
      tap.feed(Buffer.buffer(new byte[] {b}));
    }
    tap.end();
    return tap.snapshot();
  }

  /** Cuts the bytes at {@code points} distinct random positions (seeded) and feeds the pieces as slices of one buffer. */
  static TapSnapshot atRandomSplits(UsageTap tap, byte[] bytes, int points, long seed) {
    Buffer all = Buffer.buffer(bytes);
    int from = 0;
    for (int cut : splitPoints(bytes.length, points, seed)) {
      tap.feed(all.slice(from, cut));
      from = cut;
    }
    tap.feed(all.slice(from, bytes.length));
    tap.end();
    return tap.snapshot();
  }

  /** Up to {@code points} distinct cut positions in {@code (0, length)}, ascending. */
  static TreeSet<Integer> splitPoints(int length, int points, long seed) {
    Random random = new Random(seed);
    TreeSet<Integer> cuts = new TreeSet<>();
    int wanted = Math.min(points, Math.max(0, length - 1));
    while (cuts.size() < wanted) {
      cuts.add(1 + random.nextInt(length - 1));
    }
    return cuts;
  }

  /** Feeds the bytes in pieces of random sizes (1 to {@code maxPiece}) and does not call end(). */
  static void inRandomPieces(UsageTap tap, byte[] bytes, int maxPiece, Random random) {
    Buffer all = Buffer.buffer(bytes);
    int from = 0;
    while (from < bytes.length) {
      int to = Math.min(bytes.length, from + 1 + random.nextInt(maxPiece));
      tap.feed(all.slice(from, to));
      from = to;
    }
  }
}
