package dev.abg.spend.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;

/** A journaled request row comes back as it went in, the price dimensions its response stated included. */
class JournalCodecTests {

  private static LedgerRow row(Usage usage) {
    Instant end = Instant.parse("2026-12-04T12:00:00Z");
    return new LedgerRow(0, end.minusSeconds(3), end, LocalDate.of(2026, 12, 4), "s1", null, "claude-code", Provider.ANTHROPIC, "/v1/messages",
        "claude-opus-5-5", "claude-opus-5-5@fast", false, usage, 147_688, 147_688, LedgerRow.Action.ALLOW, UsageSource.REPORTED, "builtin-2026-12-04",
        200, "req_1");
  }

  @Test
  void shouldKeepTheDimensionsOfAJournaledRow() throws Exception {
    for (Usage usage : new Usage[] {Usage.anthropic(10, 2000, 3000, 40_000, 800).withDimensions(new Usage.Dimensions("fast", "us", "standard", 2, 1)),
        Usage.anthropic(10, 2000, 3000, 40_000, 800)}) {
      LedgerRow in = row(usage);
      String line = JournalCodec.encode(7, new LedgerOp.InsertRequest(in, 0, new CompletableFuture<>()));
      JournalCodec.Entry entry = JournalCodec.decode(line);
      assertEquals(7, entry.seq());
      assertEquals(in, ((LedgerOp.InsertRequest) entry.op()).row());
    }
  }
}
