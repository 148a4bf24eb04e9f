package dev.abg.admin;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.price.ModelPrice;
import dev.abg.spend.price.PriceTable;

/** {@code Pricing}: the price table in force, in US dollars per million tokens, and the unknown models seen. */
record PricingJson(String version, String currency, String unit, List<ModelPriceJson> models, List<FallbackJson> fallbacks) {

  /** {@code ModelPrice}; {@code tier} is absent when the model has none. */
  record ModelPriceJson(String model, String provider, BigDecimal input, BigDecimal output,
                        @JsonProperty("cache_write_5m") BigDecimal cacheWrite5m, @JsonProperty("cache_write_1h") BigDecimal cacheWrite1h,
                        BigDecimal cacheRead, BigDecimal cachedInput, BigDecimal cacheWrite, @JsonInclude(JsonInclude.Include.NON_NULL) TierJson tier,
                        String source) {
  }

  /** {@code PriceTier}. */
  record TierJson(long thresholdTokens, BigDecimal input, BigDecimal output, @JsonProperty("cache_write_5m") BigDecimal cacheWrite5m,
                  @JsonProperty("cache_write_1h") BigDecimal cacheWrite1h, BigDecimal cacheRead, BigDecimal cachedInput) {
  }

  /** {@code PriceFallback}. */
  record FallbackJson(String model, String pricedAs) {
  }

  /** @param table the table in force; a model that differs from the shipped table's entry (or is not in it) came from the config file */
  static PricingJson of(PriceTable table, List<LedgerQueries.ModelFallback> fallbacks) {
    Map<String, ModelPrice> shipped = PriceTable.builtIn().models().stream().collect(Collectors.toMap(ModelPrice::model, Function.identity()));
    List<ModelPriceJson> models = table.models().stream()
        .map(m -> model(m, m.equals(shipped.get(m.model())) ? "builtin" : "config"))
        .toList();
    return new PricingJson(table.version(), "USD", "per_million_tokens", models,
        fallbacks.stream().map(f -> new FallbackJson(f.model(), f.pricedAs())).toList());
  }

  private static ModelPriceJson model(ModelPrice m, String source) {
    ModelPrice.Tier t = m.tier();
    TierJson tier = t == null ? null
        : new TierJson(t.thresholdTokens(), usd(t.input()), usd(t.output()), usd(t.cacheWrite5m()), usd(t.cacheWrite1h()), usd(t.cacheRead()),
            usd(t.cachedInput()));
    return new ModelPriceJson(m.model(), m.provider().wireName(), usd(m.input()), usd(m.output()), usd(m.cacheWrite5m()), usd(m.cacheWrite1h()),
        usd(m.cacheRead()), usd(m.cachedInput()), usd(m.cacheWrite()), tier, source);
  }

  private static BigDecimal usd(Long picoPerToken) {
    return picoPerToken == null ? null : BudgetsJson.plain(ModelPrice.usdPerMTok(picoPerToken));
  }
}
