package dev.abg.spend.price;

/**
 * The cost of one request.
 *
 * @param costMicros cost in micro-dollars, rounded half up from the exact pico-dollar sum
 * @param pricedAs the price table key whose prices were used (differs from the requested model on a fallback)
 * @param fallback whether the requested model was not an exact key of the table, see {@link PriceTable}
 * @param priceVersion the version of the table that priced it, e.g. {@code builtin-2026-11-28}
 */
public record Priced(long costMicros, String pricedAs, boolean fallback, String priceVersion) {
}
