package dev.abg.spend;

/** The upstream API family a request is sent to and priced by. */
public enum Provider {
  ANTHROPIC,
  OPENAI;

  /** The lower-case name used in the ledger, the JSONL line and the config file. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
