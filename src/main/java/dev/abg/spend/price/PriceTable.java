package dev.abg.spend.price;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * The active price table: prices usage exactly, in integer pico-dollars, and names its version so that every
 * ledger row can record which table priced it.
 *
 * <p>The built-in table is {@code pricing/builtin-prices.csv} (LiteLLM's price map at commit 00035b69, see the
 * file's header); {@link #withOverrides(Map)} changes and extends it from the config file.
 *
 * <h2>Cost</h2>
 * Σ tokens × price per component, summed as {@code long} pico-dollars and rounded half up to micro-dollars once.
 * <ul>
 *   <li>Anthropic: input × input + 5-minute writes × cache_write_5m + 1-hour writes × cache_write_1h + cache reads
 *       × cache_read + output × output. A model with a tier prices the <em>whole</em> request at its tier prices
 *       when input + cache writes + cache reads is above the threshold (200000; exactly 200000 is not above).</li>
 *   <li>OpenAI: input includes cached input and cache writes, so uncached = input − cached − writes (not below 0);
 *       uncached × input + cached × cached_input + writes × cache_write + output × output. Output includes
 *       reasoning tokens, which are not added again. The tier applies when input is above 272000.</li>
 *   <li>Absent prices: a tier without a price for a component keeps the base price; cached input without a price
 *       and cache writes without a price are charged at the input price; an Anthropic 1-hour write without a price
 *       at 2 × input, a 5-minute write at 1.25 × input (docs/pricing.md's rule of thumb).</li>
 *   <li>Not applied: OpenAI flex / priority / batch prices, Anthropic's us-only and fast-mode multipliers, OpenAI's
 *       regional uplift; a request does not tell us reliably that it ran under them.</li>
 * </ul>
 *
 * <h2>Unknown models: never free</h2>
 * A name is looked up case-insensitively, the first step that finds an entry wins:
 * <ol>
 *   <li>the exact key (dated aliases such as {@code claude-sonnet-4-5-20250929} are keys of their own);</li>
 *   <li>the name without a date suffix ({@code -YYYYMMDD} or {@code -YYYY-MM-DD}), matched against the keys and
 *       against the undated names of dated keys ({@code claude-sonnet-4} → {@code claude-sonnet-4-20250514});</li>
 *   <li>the longest key that is a prefix of the name at a {@code -} boundary ({@code gpt-5.5-codex} →
 *       {@code gpt-5.5}, {@code gpt-5.1-codex-max-foo} → {@code gpt-5.1-codex-max});</li>
 *   <li>the newest model of the name's family (see {@link ModelPrice#family()}: same stem, and the family with the
 *       most words that the name also has): {@code claude-opus-5-5} → {@code claude-opus-4-8},
 *       {@code claude-haiku-5-5} → {@code claude-haiku-4-5}, {@code gpt-7-turbo} → the newest flagship
 *       {@code gpt-5.6}, {@code o5-mini} → {@code o4-mini};</li>
 *   <li>the most expensive model of the request's provider, by output price (also for a null or blank name).</li>
 * </ol>
 * Steps 2 to 5 are fallbacks: the result says so ({@link Priced#fallback()}, {@link Resolved#fallback()}), names
 * the entry used, and the first time a name falls back the log says
 * {@code [abg] PRICE model=claude-opus-5-5 is not in price table builtin-2026-11-28: priced as claude-opus-4-8}.
 * Names are matched across providers (an Anthropic model behind an OpenAI-compatible route is priced as that
 * model, in OpenAI's usage terms); only step 5 depends on the provider.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PriceTable {

  private final String version;
  /** Every entry as given, variants ({@code model@fast}, …) included: what overrides change. */
  private final Map<String, ModelPrice> byKey;
  /** The models, each with its variants attached: what prices a request. */
  private final Map<String, ModelPrice> bases;
  private final ModelResolver resolver;
  private final FallbackLog fallbackLog;

  PriceTable(String version, Collection<ModelPrice> models) {
    this.version = Objects.requireNonNull(version, "version");
    Map<String, ModelPrice> keys = new HashMap<>();
    for (ModelPrice model : models) {
      if (keys.put(model.model(), model) != null) {
        throw new IllegalArgumentException("model " + model.model() + " is in price table " + version + " twice");
      }
    }
    this.byKey = Map.copyOf(keys);
    this.bases = Variants.attach(version, keys);
    this.resolver = new ModelResolver(bases);
    this.fallbackLog = new FallbackLog(version);
  }

  /** The table shipped in the jar, read once. */
  public static PriceTable builtIn() {
    return BuiltIn.TABLE;
  }

  /**
   * This table changed and extended by the config file's {@code pricing} entries, keyed {@code <model>.<field>}
   * (the leading {@code pricing.} removed; the field is the last dot segment, the model may be quoted). Fields:
   * {@code provider} ({@code anthropic} | {@code openai}; a new model without one is Anthropic when its name starts
   * with {@code claude}, else OpenAI), the prices {@code input}, {@code output}, {@code cache_write_5m},
   * {@code cache_write_1h}, {@code cache_read}, {@code cached_input}, {@code cache_write}, {@code tier_input},
   * {@code tier_output}, {@code tier_cache_write_5m}, {@code tier_cache_write_1h}, {@code tier_cache_read},
   * {@code tier_cached_input} in US dollars per million tokens (≥ 0, at most 6 decimals), and
   * {@code tier_threshold} in tokens. An existing model changes only in the fields given; a new model needs
   * {@code input} and {@code output}. The version becomes this version + {@code +cfg-} + 8 hex digits of a SHA-256
   * over the sorted entries.
   *
   * @throws IllegalArgumentException naming the full key {@code pricing.<model>.<field>}, the value and what is
   *     allowed, for a bad key, field or value
   */
  public PriceTable withOverrides(Map<String, String> props) {
    if (props == null || props.isEmpty()) {
      return this;
    }
    return new PriceTable(version + PriceOverrides.versionSuffix(props), PriceOverrides.apply(byKey, props).values());
  }

  /**
   * This table with the rows of a price map ({@link LiteLlmPriceMap}) over it: the same rule as {@link #withOverrides}, and
   * the version gains {@code +file-} and 8 hex digits of the rows taken.
   */
  public PriceTable withPriceMap(LiteLlmPriceMap.Rows rows) {
    if (rows.props().isEmpty()) {
      return this;
    }
    return new PriceTable(version + PriceOverrides.versionSuffix("file", rows.props()), PriceOverrides.apply(byKey, rows.props()).values());
  }

  /** The entry of exactly this key (a model or a variant), if the table has one. */
  java.util.Optional<ModelPrice> entry(String key) {
    return java.util.Optional.ofNullable(byKey.get(key));
  }

  /** Whether these overrides can be applied to this table; the message of the refusal when not. */
  java.util.Optional<String> refusal(Map<String, String> props) {
    try {
      new PriceTable(version, PriceOverrides.apply(byKey, props).values());
      return java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.of(e.getMessage());
    }
  }

  /** The version recorded with every cost this table computes, e.g. {@code builtin-2026-11-28}. */
  public String version() {
    return version;
  }

  /** Prices one request's usage as of now; see {@link #price(Provider, String, Usage, java.time.Instant)}. */
  public Priced price(Provider provider, String model, Usage usage) {
    return price(provider, model, usage, java.time.Instant.now());
  }

  /**
   * Prices one request's usage, read in the terms of {@code provider}, with the prices in force at {@code at}: the
   * dimensions the response stated ({@link Usage.Dimensions}) choose the variant and add the tool fees, as
   * {@link DimensionRules} says. An unknown model, and a stated dimension without a published price, are never free.
   */
  public Priced price(Provider provider, String model, Usage usage, java.time.Instant at) {
    Objects.requireNonNull(usage, "usage");
    Resolved resolved = resolve(provider, model);
    DimensionRules.Applied applied = DimensionRules.apply(provider, resolved.price(), usage, at);
    return new Priced(applied.costMicros(), applied.pricedAs(), resolved.fallback() || applied.byRule(), version);
  }

  /** The entry that prices {@code model}, by the rule above; logs a fallback once per name. */
  public Resolved resolve(Provider provider, String model) {
    Objects.requireNonNull(provider, "provider");
    ModelResolver.Match match = resolver.resolve(provider, model);
    if (match.fallback()) {
      fallbackLog.once(model, match);
    }
    return new Resolved(match.price(), match.fallback(), match.reason() == null ? (match.fallback() ? "fallback" : "exact key") : match.reason());
  }

  /** Every model with its variants attached, sorted by provider, then model key. */
  public List<ModelPrice> models() {
    return bases.values().stream()
        .sorted(Comparator.comparing(ModelPrice::provider).thenComparing(ModelPrice::model))
        .toList();
  }

  @Override
  public String toString() {
    return "PriceTable[" + version + ", " + bases.size() + " models]";
  }

  private static final class BuiltIn {
    static final PriceTable TABLE = PriceTableCsv.builtIn();
  }
}
