package dev.abg.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** gzip with a sync flush after every piece, so each event can be decoded as soon as it arrives. */
final class Gzipper {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final GZIPOutputStream gzip;

  Gzipper() {
    try {
      gzip = new GZIPOutputStream(buffer, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] compress(byte[] bytes) {
    try {
      gzip.write(bytes);
      gzip.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return drain();
  }

  byte[] finish() {
    try {
      gzip.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return drain();
  }

  private byte[] drain() {
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }
}
