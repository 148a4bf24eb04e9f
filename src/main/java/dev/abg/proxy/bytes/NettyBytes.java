package dev.abg.proxy.bytes;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * A Vert.x buffer's bytes as Netty's buffer and back, both views (no copy): the SSE tap searches line ends in them with
 * {@link ByteBuf#forEachByte}, a request body is kept as the chunks it arrived in, and Jackson and the body's CRC read the
 * bytes where they lie (docs/benchmarks/profiles.md, items 6 and 11). Both calls are deprecated in Vert.x 4.5 only because Vert.x 5
 * moves them to {@code BufferInternal}: this is the one place to change then.
 */
public final class NettyBytes {

  private NettyBytes() {
  }

  @SuppressWarnings("deprecation")
  public static ByteBuf of(Buffer buffer) {
    return buffer.getByteBuf();
  }

  @SuppressWarnings("deprecation")
  public static Buffer wrap(ByteBuf bytes) {
    return Buffer.buffer(bytes);
  }
}
