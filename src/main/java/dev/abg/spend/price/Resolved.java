package dev.abg.spend.price;

/**
 * The price entry that a model name resolves to.
 *
 * @param price the entry used
 * @param fallback whether the name was not an exact key of the table, see {@link PriceTable}
 * @param reason which step of the rule found it, in words (e.g. {@code exact key}, {@code longest known prefix})
 */
public record Resolved(ModelPrice price, boolean fallback, String reason) {

  public Resolved(ModelPrice price, boolean fallback) {
    this(price, fallback, fallback ? "fallback" : "exact key");
  }
}
