package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.buffer.Buffer;

/** Every fixture gives the same snapshot whatever the chunking: whole, one byte at a time, or cut at 200 random points. */
class UsageTapFixturesTests {

  private static final int SPLIT_POINTS = 200;
  private static final int SEEDS = 25;

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("anthropic/anthropic_messages_stream.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_messages_stream_crlf.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_cache_split_stream.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_cache_split_stream_crlf.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_tool_use_stream.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_error_stream.txt", TapKind.ANTHROPIC_MESSAGES, true),
        Arguments.of("anthropic/anthropic_messages_nonstream.json", TapKind.ANTHROPIC_MESSAGES, false),
        Arguments.of("anthropic/anthropic_messages_cache_split.json", TapKind.ANTHROPIC_MESSAGES, false),
        Arguments.of("anthropic/anthropic_error.json", TapKind.ANTHROPIC_MESSAGES, false),
        Arguments.of("openai/openai_responses_stream.txt", TapKind.OPENAI_RESPONSES, true),
        Arguments.of("openai/openai_responses_stream_crlf.txt", TapKind.OPENAI_RESPONSES, true),
        Arguments.of("openai/openai_responses_function_call_stream.txt", TapKind.OPENAI_RESPONSES, true),
        Arguments.of("openai/openai_responses_incomplete_stream.txt", TapKind.OPENAI_RESPONSES, true),
        Arguments.of("openai/openai_response_failed_invalid_prompt.txt", TapKind.OPENAI_RESPONSES, true),
        Arguments.of("openai/openai_responses.json", TapKind.OPENAI_RESPONSES, false),
        Arguments.of("openai/openai_error.json", TapKind.OPENAI_RESPONSES, false),
        Arguments.of("openai/openai_chat_stream.txt", TapKind.OPENAI_CHAT, true),
        Arguments.of("openai/openai_chat_stream_crlf.txt", TapKind.OPENAI_CHAT, true),
        Arguments.of("openai/openai_chat_error_stream.txt", TapKind.OPENAI_CHAT, true),
        Arguments.of("openai/openai_chat_completion.json", TapKind.OPENAI_CHAT, false),
        Arguments.of("openai/openai_error.json", TapKind.OPENAI_CHAT, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void shouldReadSameSnapshotWhateverTheChunking(String path, TapKind kind, boolean eventStream) {
    byte[] bytes = Feeding.fixture(path);
    TapSnapshot whole = Feeding.whole(UsageTaps.create(kind, eventStream), bytes);

    assertNotEquals(TapSnapshot.EMPTY, whole, "the fixture must teach the tap something");
    assertEquals(whole, Feeding.byteByByte(UsageTaps.create(kind, eventStream), bytes), "byte by byte");
    for (long seed = 1; seed <= SEEDS; seed++) {
      assertEquals(whole, Feeding.atRandomSplits(UsageTaps.create(kind, eventStream), bytes, SPLIT_POINTS, seed), "seed " + seed);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void shouldReadSameSnapshotWithCarriageReturnLineEnds(String path, TapKind kind, boolean eventStream) {
    byte[] bytes = Feeding.fixture(path);
    String text = new String(bytes, StandardCharsets.UTF_8);
    byte[] crOnly = text.replace("\r\n", "\n").replace('\n', '\r').getBytes(StandardCharsets.UTF_8);
    byte[] crlf = text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] lf = text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
    TapSnapshot expected = Feeding.whole(UsageTaps.create(kind, eventStream), lf);

    assertEquals(expected, Feeding.whole(UsageTaps.create(kind, eventStream), crlf), "CRLF");
    assertEquals(expected, Feeding.whole(UsageTaps.create(kind, eventStream), crOnly), "CR");
    assertEquals(expected, Feeding.byteByByte(UsageTaps.create(kind, eventStream), crOnly), "CR byte by byte");
    assertEquals(expected, Feeding.atRandomSplits(UsageTaps.create(kind, eventStream), crlf, SPLIT_POINTS, 7), "CRLF split");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void shouldParseSameEventsWhateverTheChunking(String path, TapKind kind, boolean eventStream) {
    byte[] bytes = Feeding.fixture(path);
    List<String> whole = events(bytes, new int[0]);

    if (eventStream) {
      assertNotEquals(List.of(), whole);
    }
    int[] everyByte = new int[Math.max(0, bytes.length - 1)];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertEquals(whole, events(bytes, everyByte), "byte by byte");
    for (long seed = 1; seed <= SEEDS; seed++) {
      int[] cuts = Feeding.splitPoints(bytes.length, SPLIT_POINTS, seed).stream().mapToInt(Integer::intValue).toArray();
      assertEquals(whole, events(bytes, cuts), "seed " + seed);
    }
  }

  private static List<String> events(byte[] bytes, int[] cuts) {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser((name, data) -> events.add(name + "|" + data));
    Buffer all = Buffer.buffer(bytes);
    int from = 0;
    for (int cut : cuts) {
      parser.handle(all.slice(from, cut));
      from = cut;
    }
    parser.handle(all.slice(from, bytes.length));
    parser.end();
    return events;
  }
}
