package dev.abg.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTests {

  @Test
  void shouldEscapeEveryControlCharacter() {
    assertEquals("claude\\n[abg] BLOCKED session=x", Printable.escape("claude\n[abg] BLOCKED session=x"));
    assertEquals("\\x1b[2J\\x1b]0;owned\\x07label", Printable.escape("\u001b[2J\u001b]0;owned\u0007label"));
    assertEquals("a\\rb\\tc\\x00d\\x7fe\\x9bf", Printable.escape("a\rb\tc\u0000d\u007fe\u009bf"));
    assertEquals("x\\u2028y\\u202ez\\u2066", Printable.escape("x\u2028y\u202ez\u2066"));
  }

  @Test
  void shouldLeavePrintableTextAloneAndEscapeOnlyOnce() {
    String plain = "bugfix-login café 日本 \\n";
    assertSame(plain, Printable.escape(plain));
    assertTrue(Printable.isPrintable(plain));
    assertFalse(Printable.isPrintable("a\nb"));
    String once = Printable.escape("a\nb\u001b");
    assertEquals(once, Printable.escape(once));
    assertNull(Printable.escape(null));
  }
}
