package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;

import org.junit.jupiter.api.Test;

/** The one wording of blocks and warnings, the one percent rule and the one session id rule. */
class BlockMessagesTests {

  @Test
  void shouldRoundThePercentOfACapDown() {
    assertEquals(82, Money.percentOf(4_125_000, 5_000_000));      // 82.5 %
    assertEquals(99, Money.percentOf(4_999_999, 5_000_000));      // never 100 before the cap is reached
    assertEquals(100, Money.percentOf(5_000_000, 5_000_000));
    assertEquals(0, Money.percentOf(1, 0));
  }

  @Test
  void shouldShowTheFlooredPercentInTheStatusWarnings() {
    assertEquals("Budget warning: session 's1' $4.13/5.00 (82%). Raise it: abg raise s1 2", BlockMessages.sessionWarning("s1", 4_125_000, 5_000_000));
    assertEquals("Budget warning: daily $8.25/10.00 (82%).", BlockMessages.dailyWarning(8_250_000, 10_000_000));
  }

  @Test
  void shouldNameSessionSpendCapAndTheRaiseInABlock() {
    assertEquals("abg: session 'bugfix-login' reached its cap: $5.01 of $5.00. Raise it: abg raise bugfix-login 2",
        BlockMessages.cap("bugfix-login", 5_010_000, 5_000_000));
    assertEquals("abg raise s 1", BlockMessages.raiseCommand("s", 500_000));
    assertTrue(BlockMessages.daily(20_000_000, 20_000_000, ZoneId.of("Europe/Berlin")).endsWith("or wait until tomorrow (Europe/Berlin)."));
  }

  @Test
  void shouldJoinTheWarningHeaderPartsOrGiveNone() {
    assertEquals(null, BlockMessages.warningHeader(null, null));
    assertEquals("Budget warning: session=$4.50/5.00 daily=$9.00/10.00",
        BlockMessages.warningHeader(BlockMessages.warningPart("session", 4_500_000, 5_000_000), BlockMessages.warningPart("daily", 9_000_000, 10_000_000)));
  }

  @Test
  void shouldReadTheSessionIdRuleFromItsOneHome() {
    assertEquals("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", SessionId.VALID.pattern());
    assertTrue(SessionId.isValid("bugfix-login.2:a_b"));
    assertTrue(SessionId.isValid("a".repeat(128)));
    assertFalse(SessionId.isValid("a".repeat(129)));
    assertFalse(SessionId.isValid("-x"));
    assertFalse(SessionId.isValid(null));
  }
}
