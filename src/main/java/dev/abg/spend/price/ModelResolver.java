package dev.abg.spend.price;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.abg.spend.Provider;

/** Finds the price entry for a model name; the rule is documented on {@link PriceTable}. */
final class ModelResolver {

  /** The entry found, whether it is a fallback, and which step of the rule found it (for the log). */
  record Match(ModelPrice price, boolean fallback, String reason) {
  }

  /** Newest first; among equals the more expensive, then the shorter key (the undated alias), then by name. */
  private static final Comparator<ModelPrice> NEWEST = Comparator.comparingInt(ModelPrice::rank).reversed()
      .thenComparing(Comparator.comparingLong(ModelPrice::output).reversed())
      .thenComparingInt(p -> p.model().length())
      .thenComparing(ModelPrice::model);
  private static final Comparator<ModelPrice> MOST_EXPENSIVE = Comparator.comparingLong(ModelPrice::output).reversed()
      .thenComparing(Comparator.comparingLong(ModelPrice::input).reversed())
      .thenComparing(NEWEST);

  private final Map<String, ModelPrice> byKey;
  private final Map<String, ModelPrice> byUndatedName = new HashMap<>();
  private final List<Candidate> candidates;

  private record Candidate(ModelPrice price, ModelFamily family) {
  }

  ModelResolver(Map<String, ModelPrice> byKey) {
    this.byKey = Map.copyOf(byKey);
    byKey.values().stream().sorted(Comparator.comparing(ModelPrice::model).reversed()).forEach(price -> {
      // a dated key also answers to its undated name (claude-sonnet-4 → claude-sonnet-4-20250514) unless that
      // name is a key of its own; when two dates share one name, the later date wins (reversed order)
      String undated = ModelFamily.stripDate(price.model());
      if (!byKey.containsKey(undated)) {
        byUndatedName.putIfAbsent(undated, price);
      }
    });
    this.candidates = byKey.values().stream().map(p -> new Candidate(p, ModelFamily.of(p.model()))).toList();
  }

  Match resolve(Provider provider, String model) {
    if (model == null || model.isBlank()) {
      return new Match(mostExpensive(provider), true, "no model given: most expensive " + provider.wireName() + " model");
    }
    String name = model.trim().toLowerCase(Locale.ROOT);
    ModelPrice exact = byKey.get(name);
    if (exact != null) {
      return new Match(exact, false, "exact");
    }
    String undated = ModelFamily.stripDate(name);
    ModelPrice dated = Optional.ofNullable(byKey.get(undated)).orElse(byUndatedName.get(undated));
    if (dated != null) {
      return new Match(dated, true, undated.equals(name) ? "undated name of " + dated.model() : "date suffix ignored");
    }
    for (int dash = undated.lastIndexOf('-'); dash > 0; dash = undated.lastIndexOf('-', dash - 1)) {
      ModelPrice prefix = byKey.get(undated.substring(0, dash));
      if (prefix != null) {
        return new Match(prefix, true, "longest known prefix");
      }
    }
    ModelFamily family = ModelFamily.of(undated);
    return newestOfFamily(family)
        .map(price -> new Match(price, true, "newest of family " + price.family()))
        .orElseGet(() -> new Match(mostExpensive(provider), true, "family unknown: most expensive " + provider.wireName() + " model"));
  }

  /**
   * The newest model of the closest family: the same stem and the most words that the name also has, so
   * gpt-6-codex-mini fits gpt-codex-mini before gpt-codex, and gpt-7-turbo fits the flagships (gpt).
   */
  private Optional<ModelPrice> newestOfFamily(ModelFamily family) {
    return candidates.stream()
        .filter(c -> family.fits(c.family()))
        .sorted(Comparator.<Candidate>comparingInt(c -> c.family().words().size()).reversed()
            .thenComparing(Candidate::price, NEWEST))
        .map(Candidate::price)
        .findFirst();
  }

  private ModelPrice mostExpensive(Provider provider) {
    return mostExpensive(byKey.values(), provider)
        .or(() -> byKey.values().stream().min(MOST_EXPENSIVE))
        .orElseThrow(() -> new IllegalStateException("the price table is empty"));
  }

  private static Optional<ModelPrice> mostExpensive(Collection<ModelPrice> prices, Provider provider) {
    return prices.stream().filter(p -> p.provider() == provider).min(MOST_EXPENSIVE);
  }
}
