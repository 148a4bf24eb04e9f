package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UsageTapsTests {

  @Test
  void shouldPickTheTapForEachKindAndContentType() {
    assertInstanceOf(AnthropicSseTap.class, UsageTaps.create(TapKind.ANTHROPIC_MESSAGES, true));
    assertInstanceOf(OpenAiResponsesSseTap.class, UsageTaps.create(TapKind.OPENAI_RESPONSES, true));
    assertInstanceOf(OpenAiChatSseTap.class, UsageTaps.create(TapKind.OPENAI_CHAT, true));
    for (TapKind kind : TapKind.values()) {
      assertInstanceOf(JsonBodyTap.class, UsageTaps.create(kind, false));
    }
  }

  @Test
  void shouldCreateAFreshTapEachTime() {
    assertNotSame(UsageTaps.create(TapKind.OPENAI_CHAT, true), UsageTaps.create(TapKind.OPENAI_CHAT, true));
  }

  @Test
  void shouldStartEmpty() {
    for (TapKind kind : TapKind.values()) {
      assertEquals(TapSnapshot.EMPTY, UsageTaps.create(kind, true).snapshot());
      assertEquals(TapSnapshot.EMPTY, UsageTaps.create(kind, false).snapshot());
    }
  }

  @Test
  void shouldRejectANullKind() {
    assertThrows(NullPointerException.class, () -> UsageTaps.create(null, true));
  }
}
