package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseParserTests {

  private final List<String> events = new ArrayList<>();

  private SseParser parser() {
    return new SseParser((name, data) -> events.add(name + "|" + data));
  }

  private List<String> parse(String stream) {
    SseParser parser = parser();
    parser.handle(Buffer.buffer(stream));
    parser.end();
    return events;
  }

  /** Parses the stream fed whole and fed one byte at a time; both must give the same events. */
  private List<String> parseBothWays(byte[] stream) {
    SseParser whole = parser();
    whole.handle(Buffer.buffer(stream));
    whole.end();
    List<String> expected = new ArrayList<>(events);
    events.clear();
    SseParser bytes = parser();
    for (byte b : stream) {
      bytes.handle(Buffer.buffer(new byte[] {b}));
    }
    bytes.end();
    assertEquals(expected, events, "byte by byte");
    return expected;
  }

  private List<String> parseBothWays(String stream) {
    return parseBothWays(stream.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldDispatchNamedEventsOnLf() {
    assertEquals(List.of("a|1", "b|2"), parseBothWays("event: a\ndata: 1\n\nevent: b\ndata: 2\n\n"));
  }

  @Test
  void shouldAcceptCrlfAndCrLineEnds() {
    assertEquals(List.of("a|1", "b|2"), parseBothWays("event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n"));
    events.clear();
    assertEquals(List.of("a|1", "b|2"), parseBothWays("event: a\rdata: 1\r\revent: b\rdata: 2\r\r"));
    events.clear();
    assertEquals(List.of("a|1", "b|2"), parseBothWays("event: a\r\ndata: 1\n\revent: b\rdata: 2\r\n\n"));
  }

  @Test
  void shouldTreatCrlfSplitAcrossChunksAsOneLineEnd() {
    SseParser parser = parser();

    parser.handle(Buffer.buffer("data: 1\r"));
    parser.handle(Buffer.buffer("\n"));
    parser.handle(Buffer.buffer("\r"));
    parser.handle(Buffer.buffer("\ndata: 2\r"));
    parser.handle(Buffer.buffer(""));
    parser.handle(Buffer.buffer("\r"));

    assertEquals(List.of("message|1", "message|2"), events);
  }

  @Test
  void shouldEndALineOnCrFollowedByAnythingButLf() {
    SseParser parser = parser();

    parser.handle(Buffer.buffer("data: 1\r"));
    parser.handle(Buffer.buffer("data: 2\r"));
    parser.handle(Buffer.buffer("\r"));

    assertEquals(List.of("message|1\n2"), events);
  }

  @Test
  void shouldJoinMultiLineDataWithLf() {
    assertEquals(List.of("message|{\n\"a\": 1\n}"), parseBothWays("data: {\ndata: \"a\": 1\ndata: }\n\n"));
  }

  @Test
  void shouldNameEventsWithoutAnEventLineMessage() {
    assertEquals(List.of("message|[DONE]"), parseBothWays("data: [DONE]\n\n"));
  }

  @Test
  void shouldSkipComments() {
    assertEquals(List.of("a|1"), parseBothWays(": keep-alive\nevent: a\n:another\ndata: 1\n: more\n\n: only a comment\n\n"));
  }

  @Test
  void shouldReadFieldsWithoutASpaceAfterTheColonAndStripOnlyOneSpace() {
    assertEquals(List.of("a|1", "b| 2"), parseBothWays("event:a\ndata:1\n\nevent: b\ndata:  2\n\n"));
  }

  @Test
  void shouldReadAFieldWithoutAColonAsAnEmptyValue() {
    assertEquals(List.of("message|\nx"), parseBothWays("data\ndata: x\n\n"));
  }

  @Test
  void shouldDispatchAnEventWithEmptyData() {
    assertEquals(List.of("a|"), parseBothWays("event: a\ndata:\n\n"));
  }

  @Test
  void shouldDropEventsWithoutData() {
    assertEquals(List.of("b|2"), parseBothWays("event: ping\n\nevent: a\nid: 7\nretry: 100\n\nevent: b\ndata: 2\n\n"));
  }

  @Test
  void shouldIgnoreIdRetryAndUnknownFields() {
    assertEquals(List.of("a|1"), parseBothWays("id: 1\nevent: a\nretry: 10\nfoo: bar\ndatax: no\ndata: 1\n\n"));
  }

  @Test
  void shouldForgetTheEventNameAfterEachEvent() {
    assertEquals(List.of("a|1", "message|2"), parseBothWays("event: a\ndata: 1\n\ndata: 2\n\n"));
  }

  @Test
  void shouldLetTheLastEventLineWin() {
    assertEquals(List.of("b|1"), parseBothWays("event: a\nevent: b\ndata: 1\n\n"));
  }

  @Test
  void shouldKeepColonsInValues() {
    assertEquals(List.of("message|{\"a\":\"b:c\"}"), parseBothWays("data: {\"a\":\"b:c\"}\n\n"));
  }

  @Test
  void shouldDecodeMultiByteCharactersSplitAcrossChunks() {
    String text = "héllo ✓ 🎉 日本";
    assertEquals(List.of("ü|" + text), parseBothWays("event: ü\ndata: " + text + "\n\n"));
  }

  @Test
  void shouldReplaceInvalidUtf8InsteadOfFailing() {
    byte[] stream = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, 'x', '\n', '\n'};

    assertEquals(List.of("message|\uFFFD(\uFFFDx"), parseBothWays(stream));
  }

  @Test
  void shouldSkipALeadingByteOrderMark() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] rest = "data: 1\n\n".getBytes(StandardCharsets.UTF_8);
    byte[] stream = new byte[bom.length + rest.length];
    System.arraycopy(bom, 0, stream, 0, bom.length);
    System.arraycopy(rest, 0, stream, bom.length, rest.length);

    assertEquals(List.of("message|1"), parseBothWays(stream));
  }

  @Test
  void shouldDispatchAFinalEventWithoutBlankLineOnlyAtTheEnd() {
    SseParser parser = parser();

    parser.handle(Buffer.buffer("data: 1\n\nevent: last\ndata: 2\n"));
    assertEquals(List.of("message|1"), events);

    parser.end();
    assertEquals(List.of("message|1", "last|2"), events);
  }

  @Test
  void shouldDropAFinalEventWhoseLastLineWasCutOff() {
    assertEquals(List.of("message|1"), parse("data: 1\n\ndata: 2\ndata: {\"partial\""));
  }

  @Test
  void shouldDropAFinalEventCutAfterAComment() {
    assertEquals(List.of(), parse("data: 2\n: cut"));
  }

  @Test
  void shouldIgnoreChunksAfterTheEnd() {
    SseParser parser = parser();
    parser.end();

    parser.handle(Buffer.buffer("data: 1\n\n"));
    parser.end();

    assertEquals(List.of(), events);
  }

  @Test
  void shouldDiscardAnOverlongLineAndResyncAtTheNextBlankLine() {
    SseParser parser = new SseParser((name, data) -> events.add(name + "|" + data), 32);
    String longLine = "data: " + "x".repeat(100);

    for (byte b : ("event: a\ndata: kept?\n" + longLine + "\ndata: after\n\nevent: b\ndata: ok\n\n").getBytes(StandardCharsets.UTF_8)) {
      parser.handle(Buffer.buffer(new byte[] {b}));
      assertTrue(parser.retainedBytes() <= 2 * 32 + 2 * 256, "memory stays bounded");
    }
    parser.end();

    assertEquals(List.of("b|ok"), events);
  }

  @Test
  void shouldDiscardAnOverlongLineFedInOneChunk() {
    SseParser parser = new SseParser((name, data) -> events.add(name + "|" + data), 32);

    parser.handle(Buffer.buffer("data: " + "y".repeat(10_000) + "\n\ndata: fine\n\n"));

    assertEquals(List.of("message|fine"), events);
  }

  @Test
  void shouldDiscardAnEventWhoseDataGrowsPastTheLimit() {
    SseParser parser = new SseParser((name, data) -> events.add(name + "|" + data), 32);

    parser.handle(Buffer.buffer("data: 0123456789\ndata: 0123456789\ndata: 0123456789\ndata: 0123456789\n\ndata: next\n\n"));

    assertEquals(List.of("message|next"), events);
  }

  @Test
  void shouldAcceptALineExactlyAtTheLimit() {
    SseParser parser = new SseParser((name, data) -> events.add(name + "|" + data), 10);

    parser.handle(Buffer.buffer("data: 1234\n\ndata: 12345\n\n"));

    assertEquals(List.of("message|1234"), events);
  }

  @Test
  void shouldGiveBackLargeBuffersAfterALargeEvent() {
    SseParser parser = parser();

    parser.handle(Buffer.buffer("data: " + "z".repeat(1_000_000) + "\n\n"));

    assertEquals(1, events.size());
    assertTrue(parser.retainedBytes() <= 64 * 1024 * 2, "retained " + parser.retainedBytes());
  }

  @Test
  void shouldStayConsistentWhenTheListenerThrows() {
    SseParser parser = new SseParser((name, data) -> {
      events.add(data);
      if (data.equals("boom")) {
        throw new IllegalStateException("listener failure");
      }
    });

    try {
      parser.handle(Buffer.buffer("data: boom\n\n"));
    } catch (IllegalStateException expected) {
      // the parser does not hide its listener's failures; the taps catch them
    }
    parser.handle(Buffer.buffer("data: next\n\n"));

    assertEquals(List.of("boom", "next"), events);
  }

  @Test
  void shouldReadSlicesOfLargerBuffers() {
    Buffer all = Buffer.buffer("xxdata: 1\n\nyy");
    SseParser parser = parser();

    parser.handle(all.slice(2, 12));

    assertEquals(List.of("message|1"), events);
  }
}
