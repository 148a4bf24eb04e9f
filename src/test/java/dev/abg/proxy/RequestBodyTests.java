package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import dev.abg.testing.AgentRequest;

/**
 * A request body is kept as the chunks it arrived in (not copied into one buffer): what is read from it — the facts,
 * the loop detector's fingerprint, the copy sent to count_tokens — is the same however it was cut.
 */
class RequestBodyTests {

  private static final String BODY = AgentRequest.claudeCode("claude-sonnet-4-6").maxTokens(32000).stream(true)
      .field("metadata", Map.of("user_id", "user_x_account__session_3f2a")).prompt("fix the login bug — ünïcode").body();

  @SuppressWarnings("deprecation")
  private static Buffer inChunks(String text, int... cuts) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    CompositeByteBuf chunks = Unpooled.compositeBuffer();
    int from = 0;
    for (int cut : cuts) {
      chunks.addComponent(true, Unpooled.wrappedBuffer(bytes, from, cut - from));
      from = cut;
    }
    chunks.addComponent(true, Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
    return Buffer.buffer(chunks);
  }

  @Test
  void shouldReadTheSameFactsAndFingerprintFromAnyCutOfTheBody() {
    Buffer whole = Buffer.buffer(BODY);
    RequestFacts expected = RequestFacts.parse(whole);
    assertEquals("claude-sonnet-4-6", expected.model());
    for (Buffer cut : new Buffer[] {inChunks(BODY, 1), inChunks(BODY, 10, 11, 57), inChunks(BODY, 30, 60, 90, 120, BODY.length() - 1)}) {
      assertEquals(whole.length(), cut.length());
      assertEquals(expected, RequestFacts.parse(cut));
      assertEquals(InputEstimate.fingerprint(whole), InputEstimate.fingerprint(cut));
    }
    assertNotEquals(InputEstimate.fingerprint(whole), InputEstimate.fingerprint(inChunks(BODY.replace("login", "logout"), 40)));
  }

  @Test
  void shouldRefuseABrokenBodyInChunksAsInOne() {
    String broken = BODY.substring(0, 80);
    ProxyFailure one = assertThrows(ProxyFailure.class, () -> RequestFacts.parse(Buffer.buffer(broken)));
    ProxyFailure many = assertThrows(ProxyFailure.class, () -> RequestFacts.parse(inChunks(broken, 20, 50)));
    assertEquals(one.getMessage(), many.getMessage());
  }
}
