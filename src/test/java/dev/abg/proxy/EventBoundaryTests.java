package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class EventBoundaryTests {

  private static int end(String s) {
    return BilledExchange.lastEventEnd(Buffer.buffer(s));
  }

  @Test
  void shouldFindTheEndOfTheLastCompleteEvent() {
    assertEquals(0, end(""));
    assertEquals(0, end("event: ping\ndata: {}\n"));
    assertEquals(22, end("event: ping\ndata: {}\n\n"));
    assertEquals(22, end("event: ping\ndata: {}\n\nevent: message_delta\ndata: {\"ty"));
    assertEquals(25, end("event: ping\r\ndata: {}\r\n\r\nevent: x"));
    assertEquals(22, end("event: ping\rdata: {}\r\revent"));
    assertEquals(36, end("event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: c\ndata: 3\n"));
  }
}
