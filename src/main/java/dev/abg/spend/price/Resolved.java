package dev.abg.spend.price;

/**
 * The price entry that a model name resolves to.
 *
 * @param price the entry used
 * @param fallback whether the name was not an exact key of the table, see {@link PriceTable}
 */
public record Resolved(ModelPrice price, boolean fallback) {
}
