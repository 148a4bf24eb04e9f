package dev.abg.proxy;

import java.util.zip.CRC32C;

import dev.abg.proxy.bytes.NettyBytes;
import io.vertx.core.buffer.Buffer;

/** What a request's size says about its input before the upstream reports it, and its fingerprint for the loop detector. */
final class InputEstimate {

  private InputEstimate() {
  }

  /** The usual estimate: about four bytes of request JSON per input token. */
  static long tokens(long bodyBytes) {
    return Math.max(1, bodyBytes / 4);
  }

  /**
   * A low estimate, used only to refuse a request that cannot fit: about eight bytes of request JSON per token (JSON
   * structure, tool schemas and base64 images all take more bytes per token than prose).
   */
  static long leastTokens(long bodyBytes) {
    return Math.max(1, bodyBytes / 8);
  }

  /** A 64-bit fingerprint of the body: its CRC-32C and its length. */
  static long fingerprint(Buffer body) {
    CRC32C crc = new CRC32C();
    for (java.nio.ByteBuffer part : NettyBytes.of(body).nioBuffers()) {   // the body's chunks as they are, not joined
      crc.update(part);
    }
    return (crc.getValue() << 32) ^ body.length();
  }
}
