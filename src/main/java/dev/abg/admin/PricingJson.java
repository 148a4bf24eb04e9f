package dev.abg.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.abg.spend.Prices;
import dev.abg.spend.Provider;
import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.price.Resolved;
import dev.abg.spend.price.ModelPrice;
import dev.abg.spend.price.PriceTable;

/** {@code Pricing}: the price table in force, in US dollars per million tokens, and the unknown models seen. */
record PricingJson(String version, String currency, String unit, List<ModelPriceJson> models, List<FallbackJson> fallbacks, SourcesJson sources) {

  /**
   * {@code PriceSources}: where the prices in force come from — the built-in table, {@code pricing_file} (when set: its
   * location, when its rows in force were read, how many models it gave, the entries it refused, why its last read
   * failed) and the count of the config file's {@code pricing} overrides.
   */
  record SourcesJson(String builtin, String pricingFile, Instant pricingFileRead, int pricingFileModels, List<String> pricingFileRefused,
                     String pricingFileProblem, int configOverrides) {

    static SourcesJson of(Prices.Sources s) {
      return new SourcesJson(s.builtin(), s.file(), s.fileRead() == null ? null : SessionJson.millis(s.fileRead()), s.models(), s.refused(), s.problem(),
          s.configOverrides());
    }
  }

  /** {@code PriceCheck}: how a model would be priced now, and why. */
  record CheckJson(String model, String provider, String pricedAs, boolean fallback, String reason, String priceVersion, ModelPriceJson prices) {
  }

  static CheckJson check(PriceTable table, Provider provider, String model) {
    Resolved resolved = table.resolve(provider, model);
    return new CheckJson(model, provider.wireName(), resolved.price().model(), resolved.fallback(), resolved.reason(), table.version(),
        model(resolved.price(), "table"));
  }

  /** {@code ModelPrice}; {@code tier} is absent when the model has none. */
  record ModelPriceJson(String model, String provider, BigDecimal input, BigDecimal output,
                        @JsonProperty("cache_write_5m") BigDecimal cacheWrite5m, @JsonProperty("cache_write_1h") BigDecimal cacheWrite1h,
                        BigDecimal cacheRead, BigDecimal cachedInput, BigDecimal cacheWrite, @JsonInclude(JsonInclude.Include.NON_NULL) TierJson tier,
                        String source, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> variants,
                        @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal usMultiplier,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("web_search_usd_per_1000") BigDecimal webSearchUsdPer1000) {
  }

  /** {@code PriceTier}. */
  record TierJson(long thresholdTokens, BigDecimal input, BigDecimal output, @JsonProperty("cache_write_5m") BigDecimal cacheWrite5m,
                  @JsonProperty("cache_write_1h") BigDecimal cacheWrite1h, BigDecimal cacheRead, BigDecimal cachedInput) {
  }

  /** {@code PriceFallback}. */
  record FallbackJson(String model, String pricedAs) {
  }

  /** @param table the table in force; a model that differs from the shipped table's entry (or is not in it) came from the config file */
  static PricingJson of(PriceTable table, List<LedgerQueries.ModelFallback> fallbacks, Prices.Sources sources) {
    Map<String, ModelPrice> shipped = PriceTable.builtIn().models().stream().collect(Collectors.toMap(ModelPrice::model, Function.identity()));
    List<ModelPriceJson> models = table.models().stream()
        .map(m -> model(m, m.equals(shipped.get(m.model())) ? "builtin" : sources.file() != null ? "pricing_file or config" : "config"))
        .toList();
    return new PricingJson(table.version(), "USD", "per_million_tokens", models,
        fallbacks.stream().map(f -> new FallbackJson(f.model(), f.pricedAs())).toList(), SourcesJson.of(sources));
  }

  private static ModelPriceJson model(ModelPrice m, String source) {
    ModelPrice.Tier t = m.tier();
    TierJson tier = t == null ? null
        : new TierJson(t.thresholdTokens(), usd(t.input()), usd(t.output()), usd(t.cacheWrite5m()), usd(t.cacheWrite1h()), usd(t.cacheRead()),
            usd(t.cachedInput()));
    return new ModelPriceJson(m.model(), m.provider().wireName(), usd(m.input()), usd(m.output()), usd(m.cacheWrite5m()), usd(m.cacheWrite1h()),
        usd(m.cacheRead()), usd(m.cachedInput()), usd(m.cacheWrite()), tier, source, m.variants().keySet().stream().sorted().toList(),
        m.usMultiplier() == null ? null : BigDecimal.valueOf(m.usMultiplier(), 6).stripTrailingZeros(),
        m.webSearch() == null ? null : BigDecimal.valueOf(m.webSearch(), 9).stripTrailingZeros());
  }

  private static BigDecimal usd(Long picoPerToken) {
    return picoPerToken == null ? null : BudgetsJson.plain(ModelPrice.usdPerMTok(picoPerToken));
  }
}
