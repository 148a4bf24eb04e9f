package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/** Whatever the bytes, no tap throws, memory stays within its bound, and snapshots stay sane. */
class UsageTapRobustnessTests {

  private static final int ITERATIONS = 2_000;
  private static final long SEED = 0xAB6_2026L;
  /** A small bound, so that the test reaches it often. */
  private static final int LIMIT = 4 * 1024;

  private static final List<byte[]> FIXTURES = List.of(
      Feeding.fixture("anthropic/anthropic_messages_stream.txt"),
      Feeding.fixture("anthropic/anthropic_cache_split_stream_crlf.txt"),
      Feeding.fixture("anthropic/anthropic_tool_use_stream.txt"),
      Feeding.fixture("anthropic/anthropic_error_stream.txt"),
      Feeding.fixture("anthropic/anthropic_messages_nonstream.json"),
      Feeding.fixture("anthropic/anthropic_error.json"),
      Feeding.fixture("openai/openai_responses_stream.txt"),
      Feeding.fixture("openai/openai_responses_function_call_stream.txt"),
      Feeding.fixture("openai/openai_response_failed_invalid_prompt.txt"),
      Feeding.fixture("openai/openai_responses.json"),
      Feeding.fixture("openai/openai_chat_stream.txt"),
      Feeding.fixture("openai/openai_chat_error_stream.txt"),
      Feeding.fixture("openai/openai_chat_completion.json"),
      Feeding.fixture("openai/openai_error.json"));

  private static final String[] NASTY = {
      "-1", "99999999999999999999999", "1e309", "100000001", "-0", "0.5", "\"", "{", "}", "[", "]", "null", "true", ":", ",",
      "\n", "\r", "\r\n", "\n\n", "data: ", "event: error\n", "event: message_delta\n", "event: response.completed\n",
      "data: [DONE]\n\n", "\\u0000", "\\uD800", "\\", "\u00e9", "\uD83C\uDF89"};

  private static final byte[][] BAD_UTF8 = {
      {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x9C}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x8E}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF},
      {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {0}};

  @Test
  void shouldNeverThrowAndStayBoundedWhateverTheBytes() {
    Random random = new Random(SEED);
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input = randomInput(random);
      for (UsageTap tap : taps()) {
        feedAndCheck(tap, input, random, "iteration " + i + ", " + tap.getClass().getSimpleName());
      }
    }
  }

  @Test
  void shouldSurviveDeepNestingAndHugeNumbers() {
    String deep = "[".repeat(3000);
    String digits = "9".repeat(3000);
    String stream = "event: message_start\ndata: {\"message\":" + deep + "\n\n"
        + "event: message_delta\ndata: {\"usage\":{\"output_tokens\":" + digits + "}}\n\n"
        + "event: content_block_delta\ndata: {\"delta\":{\"text\":" + deep + "}}\n\n"
        + "data: {\"choices\":" + deep + ",\"usage\":{}}\n\n"
        + "event: response.completed\ndata: {\"response\":{\"usage\":{\"input_tokens\":" + digits + "}}}\n\n";
    for (UsageTap tap : taps()) {
      feedAndCheck(tap, stream.getBytes(StandardCharsets.UTF_8), new Random(1), tap.getClass().getSimpleName());
    }
  }

  @Test
  void shouldIgnoreNullAndEmptyChunks() {
    for (UsageTap tap : taps()) {
      tap.feed(null);
      tap.feed(Buffer.buffer());
      tap.end();
      tap.end();
      tap.feed(null);
      assertEquals(TapSnapshot.EMPTY, tap.snapshot());
    }
  }

  @Test
  void shouldKeepWhatItLearnedWhenAChunkCannotBeRead() {
    AnthropicSseTap tap = new AnthropicSseTap();
    tap.feed(Buffer.buffer(Feeding.fixture("anthropic/anthropic_messages_stream.txt")).slice(0, 400));
    TapSnapshot before = tap.snapshot();
    ByteBuf released = Unpooled.buffer().writeBytes("data: x\n\n".getBytes(StandardCharsets.UTF_8));
    Buffer broken = Buffer.buffer(released);
    released.release();

    tap.feed(broken);
    tap.feed(Buffer.buffer("event: message_stop\ndata: {}\n\n"));
    tap.end();

    assertEquals(120, before.usage().inputTokens());
    assertEquals(before, tap.snapshot(), "reading stops after a failure, what was learned stays");

    JsonBodyTap body = new JsonBodyTap(TapKind.OPENAI_CHAT);
    body.feed(Buffer.buffer(released));
    body.end();
    assertEquals(TapSnapshot.EMPTY, body.snapshot());
  }

  /** Junk that a broken or hostile upstream could put between real events; none of it can carry usage. */
  private static final String[] JUNK_EVENTS = {
      ": a comment\n\n", "event: junk\ndata: xyz\n\n", "data: not json\n\n", "event: message_delta\ndata: {broken\n\n",
      "event: response.completed\ndata: [1,2\n\n", "data: {\"choices\":\n\n", "event: ping\ndata: {}\n\n", "id: 7\nretry: 10\n\n",
      "event: content_block_delta\ndata: {\"delta\":{\"text\":42}}\n\n", "\n\n\n"};

  @Test
  void shouldReadTheSameUsageWhenJunkEventsAreInterleavedAndTheStreamIsSplitAnywhere() {
    Random random = new Random(SEED + 1);
    Map<String, java.util.function.Supplier<UsageTap>> streams = Map.of(
        "anthropic/anthropic_messages_stream.txt", AnthropicSseTap::new,
        "anthropic/anthropic_tool_use_stream.txt", AnthropicSseTap::new,
        "openai/openai_responses_stream.txt", OpenAiResponsesSseTap::new,
        "openai/openai_responses_function_call_stream.txt", OpenAiResponsesSseTap::new,
        "openai/openai_chat_stream.txt", OpenAiChatSseTap::new);
    for (Map.Entry<String, java.util.function.Supplier<UsageTap>> e : streams.entrySet()) {
      String clean = new String(Feeding.fixture(e.getKey()), StandardCharsets.UTF_8);
      TapSnapshot expected = Feeding.whole(e.getValue().get(), Feeding.utf8(clean));
      assertTrue(expected.usageReported(), e.getKey());
      String[] events = clean.split("(?<=\n\n)");
      for (int round = 0; round < 200; round++) {
        StringBuilder noisy = new StringBuilder();
        for (String event : events) {
          while (random.nextInt(3) == 0) {
            noisy.append(JUNK_EVENTS[random.nextInt(JUNK_EVENTS.length)]);
          }
          noisy.append(event);
        }
        TapSnapshot seen = Feeding.atRandomSplits(e.getValue().get(), Feeding.utf8(noisy.toString()), 1 + random.nextInt(40), random.nextLong());
        assertEquals(expected.usage(), seen.usage(), e.getKey() + " round " + round);
        assertEquals(expected.usageReported(), seen.usageReported(), e.getKey() + " round " + round);
        assertEquals(expected.model(), seen.model(), e.getKey() + " round " + round);
      }
    }
  }

  private static List<UsageTap> taps() {
    return List.of(new AnthropicSseTap(LIMIT), new OpenAiResponsesSseTap(LIMIT), new OpenAiChatSseTap(LIMIT),
        new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES, LIMIT), new JsonBodyTap(TapKind.OPENAI_RESPONSES, LIMIT),
        new JsonBodyTap(TapKind.OPENAI_CHAT, LIMIT));
  }

  private static void feedAndCheck(UsageTap tap, byte[] input, Random random, String what) {
    Buffer all = Buffer.buffer(input);
    int maxPiece = 1 + random.nextInt(random.nextBoolean() ? 16 : 2048);
    int from = 0;
    while (from < input.length) {
      int to = Math.min(input.length, from + 1 + random.nextInt(maxPiece));
      tap.feed(all.slice(from, to));
      from = to;
      assertBounded(tap, what);
      assertSane(tap.snapshot(), input.length, what);
    }
    tap.end();
    assertBounded(tap, what);
    assertSane(tap.snapshot(), input.length, what);
  }

  private static void assertBounded(UsageTap tap, String what) {
    int retained;
    if (tap instanceof AnthropicSseTap anthropic) {
      retained = anthropic.retainedBytes();
    } else if (tap instanceof OpenAiResponsesSseTap responses) {
      retained = responses.retainedBytes();
    } else if (tap instanceof OpenAiChatSseTap chat) {
      retained = chat.retainedBytes();
    } else {
      retained = ((JsonBodyTap) tap).retainedBytes();
    }
    assertTrue(retained <= 2 * LIMIT, () -> what + ": retains " + retained + " bytes");
  }

  private static void assertSane(TapSnapshot snapshot, int bytesFed, String what) {
    assertNotNull(snapshot, what);
    Usage usage = snapshot.usage();
    assertNotNull(usage, what);
    for (long tokens : new long[] {usage.inputTokens(), usage.cacheWrite5mTokens(), usage.cacheWrite1hTokens(), usage.cacheReadTokens(),
        usage.cachedInputTokens(), usage.outputTokens(), usage.reasoningTokens()}) {
      assertTrue(tokens >= 0 && tokens <= Json.MAX_TOKENS, () -> what + ": " + usage);
    }
    assertTrue(usage.cachedInputTokens() + usage.cacheWrite5mTokens() <= usage.inputTokens() || usage.cachedInputTokens() == 0, () -> what + ": " + usage);
    assertTrue(snapshot.streamedTextChars() >= 0 && snapshot.streamedTextChars() <= bytesFed, what);
    for (String text : new String[] {snapshot.model(), snapshot.responseId(), snapshot.errorType(), snapshot.errorMessage()}) {
      assertTrue(text == null || text.length() <= Json.MAX_TEXT_CHARS, what);
    }
    assertNotNull(snapshot.usageWithEstimate(), what);
  }

  private static byte[] randomInput(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> randomBytes(random, random.nextInt(3000));
      case 1 -> splice(random);
      case 2 -> mutate(random, FIXTURES.get(random.nextInt(FIXTURES.size())), NASTY.length);
      case 3 -> hugeLines(random);
      case 4 -> mutateWithBadUtf8(random, FIXTURES.get(random.nextInt(FIXTURES.size())));
      default -> mutate(random, splice(random), 8);
    };
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Random pieces of random fixtures, glued together. */
  private static byte[] splice(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = 1 + random.nextInt(6);
    for (int p = 0; p < pieces; p++) {
      byte[] fixture = FIXTURES.get(random.nextInt(FIXTURES.size()));
      int from = random.nextInt(fixture.length);
      int to = from + random.nextInt(fixture.length - from + 1);
      out.write(fixture, from, to - from);
    }
    return out.toByteArray();
  }

  /** A fixture with random nasty tokens inserted or written over it. */
  private static byte[] mutate(Random random, byte[] source, int nastyTokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int edits = 1 + random.nextInt(10);
    int from = 0;
    for (int e = 0; e < edits && from < source.length; e++) {
      int at = from + random.nextInt(source.length - from);
      out.write(source, from, at - from);
      out.writeBytes(NASTY[random.nextInt(Math.min(nastyTokens, NASTY.length))].getBytes(StandardCharsets.UTF_8));
      from = random.nextBoolean() ? at : Math.min(source.length, at + 1 + random.nextInt(4));
    }
    out.write(source, from, source.length - from);
    return out.toByteArray();
  }

  private static byte[] mutateWithBadUtf8(Random random, byte[] source) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int e = 0; e < 1 + random.nextInt(6); e++) {
      int at = from + random.nextInt(source.length - from);
      out.write(source, from, at - from);
      out.writeBytes(BAD_UTF8[random.nextInt(BAD_UTF8.length)]);
      from = at;
    }
    out.write(source, from, source.length - from);
    return out.toByteArray();
  }

  /** Lines (and data-only events) past the bound, then a fixture that must still be read. */
  private static byte[] hugeLines(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("data: {\"usage\":{\"output_tokens\":".getBytes(StandardCharsets.UTF_8));
    byte[] filler = new byte[LIMIT + random.nextInt(4 * LIMIT)];
    java.util.Arrays.fill(filler, (byte) ('a' + random.nextInt(26)));
    out.writeBytes(filler);
    out.writeBytes(random.nextBoolean() ? "\n\n".getBytes(StandardCharsets.UTF_8) : "\r\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 1 + random.nextInt(8); i++) {
      out.writeBytes(("data: " + "x".repeat(LIMIT / 4) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(FIXTURES.get(random.nextInt(FIXTURES.size())));
    return out.toByteArray();
  }
}
