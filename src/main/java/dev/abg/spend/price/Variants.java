package dev.abg.spend.price;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variants of a price table: entries keyed {@code model@name} ({@code gpt-6.2-sol@fast}) or {@code model@name@DATE}
 * (a price that applies from that UTC date on, {@code gpt-6.2-sol@ultrafast@2027-03-01}), attached to their model. A
 * variant must name a model of the table, a known name, and every price its model has — a variant that lacked, say, the
 * cache read its model has would charge the standard read under fast mode.
 */
final class Variants {

  /** The variant names a response can select: fast mode or Priority / Fast processing, Flex, Ultrafast. */
  static final Set<String> NAMES = Set.of("fast", "flex", "ultrafast");

  private Variants() {
  }

  /** The models of {@code entries}, each with its variants; throws naming the first bad variant. */
  static Map<String, ModelPrice> attach(String version, Map<String, ModelPrice> entries) {
    Map<String, ModelPrice> bases = new HashMap<>();
    Map<String, Map<String, ModelPrice>> variants = new HashMap<>();
    entries.forEach((key, price) -> {
      int at = key.indexOf('@');
      if (at < 0) {
        bases.put(key, price);
        return;
      }
      String base = key.substring(0, at);
      String name = key.substring(at + 1);
      variants.computeIfAbsent(base, k -> new HashMap<>()).put(name, price);
    });
    variants.forEach((base, byName) -> {
      ModelPrice model = bases.get(base);
      if (model == null) {
        throw new IllegalArgumentException(version + ": variant " + base + "@" + byName.keySet().iterator().next() + " names no model of the table");
      }
      byName.forEach((name, variant) -> check(version, model, name, variant));
      bases.put(base, model.withVariants(byName));
    });
    return Map.copyOf(bases);
  }

  private static void check(String version, ModelPrice model, String name, ModelPrice variant) {
    String label = model.model() + "@" + name;
    String[] parts = name.split("@", -1);
    if (!NAMES.contains(parts[0]) || parts.length > 2) {
      throw new IllegalArgumentException(version + ": " + label + " is not a known variant: expected model@" + String.join("|", NAMES.stream().sorted().toList())
          + " or model@name@YYYY-MM-DD");
    }
    if (parts.length == 2) {
      try {
        LocalDate.parse(parts[1]);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(version + ": " + label + ": '" + parts[1] + "' is not a date YYYY-MM-DD");
      }
    }
    if (variant.provider() != model.provider()) {
      throw new IllegalArgumentException(version + ": " + label + " is priced as " + variant.provider().wireName() + ", its model as " + model.provider().wireName());
    }
    for (PriceField field : PriceField.values()) {
      if (field.isPrice() && model.get(field) != null && variant.get(field) == null) {
        throw new IllegalArgumentException(version + ": " + label + " lacks " + field.key() + ", which " + model.model() + " has");
      }
    }
  }
}
