package dev.abg.spend;

import java.util.Locale;

/** Where the token counts of a settled request come from. */
public enum UsageSource {
  /** The upstream reported them. */
  REPORTED,
  /** The upstream did not report them, or not completely: abg estimated what it could not read. */
  ESTIMATED;

  /** The ledger's and the export's spelling: {@code reported}, {@code estimated}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
