package dev.abg.spend.price;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

import dev.abg.spend.Provider;

/** A model's price entry while it is being read from the built-in table or changed by overrides. */
final class ModelSpec {

  private static final PriceField[] TIER_PRICES = {
    PriceField.TIER_INPUT, PriceField.TIER_OUTPUT, PriceField.TIER_CACHE_WRITE_5M,
    PriceField.TIER_CACHE_WRITE_1H, PriceField.TIER_CACHE_READ, PriceField.TIER_CACHED_INPUT, PriceField.TIER_CACHE_WRITE};

  private final String model;
  private Provider provider;
  private final Map<PriceField, Long> values;

  private ModelSpec(String model, Provider provider, Map<PriceField, Long> values) {
    this.model = model;
    this.provider = provider;
    this.values = values;
  }

  /** A new, empty entry; {@code model} is already lower case. */
  static ModelSpec named(String model) {
    return new ModelSpec(model, null, new EnumMap<>(PriceField.class));
  }

  /** An entry that starts from an existing model's prices. */
  static ModelSpec of(ModelPrice price) {
    return new ModelSpec(price.model(), price.provider(), new EnumMap<>(price.fields()));
  }

  String model() {
    return model;
  }

  boolean has(PriceField field) {
    return field == PriceField.PROVIDER ? provider != null : values.containsKey(field);
  }

  /** Parses and sets one field; {@code label} names the key in an error message. */
  void set(PriceField field, String value, String label) {
    switch (field.kind()) {
      case PROVIDER -> provider = PriceValues.provider(label, value);
      case TOKENS -> values.put(field, PriceValues.tokens(label, value));
      case PRICE, TIER_PRICE -> values.put(field, PriceValues.picoPerToken(label, value));
      case MULTIPLIER -> values.put(field, PriceValues.multiplier(label, value));
      case PER_THOUSAND_CALLS -> values.put(field, PriceValues.picoPerCall(label, value));
    }
  }

  /** Sets the provider when none is set yet. */
  void defaultProvider(Provider fallback) {
    if (provider == null) {
      provider = fallback;
    }
  }

  /**
   * Checks the entry and builds it: provider, input and output are required; tier prices need a threshold and a
   * threshold needs at least one tier price. {@code keyOf} names a field's key in error messages.
   */
  ModelPrice build(Function<PriceField, String> keyOf) {
    if (provider == null) {
      throw new IllegalArgumentException(keyOf.apply(PriceField.PROVIDER) + " is missing: model " + model + " needs a provider, " + PriceValues.PROVIDER_RULE);
    }
    for (PriceField required : new PriceField[] {PriceField.INPUT, PriceField.OUTPUT}) {
      if (!values.containsKey(required)) {
        throw new IllegalArgumentException(keyOf.apply(required) + " is missing: model " + model + " needs at least input and output, each "
            + PriceValues.PRICE_RULE);
      }
    }
    boolean hasTierPrice = false;
    for (PriceField tierPrice : TIER_PRICES) {
      hasTierPrice |= values.containsKey(tierPrice);
      if (values.containsKey(tierPrice) && !values.containsKey(PriceField.TIER_THRESHOLD)) {
        throw new IllegalArgumentException(keyOf.apply(tierPrice) + " needs " + keyOf.apply(PriceField.TIER_THRESHOLD) + ", " + PriceValues.TOKENS_RULE);
      }
    }
    if (values.containsKey(PriceField.TIER_THRESHOLD) && !hasTierPrice) {
      throw new IllegalArgumentException(keyOf.apply(PriceField.TIER_THRESHOLD) + " needs at least one tier price (tier_input, tier_output, …)");
    }
    ModelFamily family = ModelFamily.of(model);
    return new ModelPrice(model, provider, family.name(), family.rank(),
        values.get(PriceField.INPUT), values.get(PriceField.OUTPUT),
        values.get(PriceField.CACHE_WRITE_5M), values.get(PriceField.CACHE_WRITE_1H), values.get(PriceField.CACHE_READ),
        values.get(PriceField.CACHED_INPUT), values.get(PriceField.CACHE_WRITE), tier(), values.get(PriceField.US_MULTIPLIER),
        values.get(PriceField.WEB_SEARCH), java.util.Map.of());
  }

  private ModelPrice.Tier tier() {
    Long threshold = values.get(PriceField.TIER_THRESHOLD);
    if (threshold == null) {
      return null;
    }
    return new ModelPrice.Tier(threshold, values.get(PriceField.TIER_INPUT), values.get(PriceField.TIER_OUTPUT),
        values.get(PriceField.TIER_CACHE_WRITE_5M), values.get(PriceField.TIER_CACHE_WRITE_1H),
        values.get(PriceField.TIER_CACHE_READ), values.get(PriceField.TIER_CACHED_INPUT), values.get(PriceField.TIER_CACHE_WRITE));
  }
}
