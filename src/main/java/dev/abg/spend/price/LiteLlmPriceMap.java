package dev.abg.spend.price;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a price map in LiteLLM's {@code model_prices_and_context_window.json} format — the map the community keeps
 * current — into the price table's own fields, so that a user can keep prices current without a release
 * ({@code pricing_file}).
 *
 * <p>Taken: the entries whose {@code litellm_provider} is {@code anthropic} or {@code openai} and whose key names no other
 * provider ({@code azure/…}). Per-token costs become $/MTok ({@code 5e-06} is 5.00), read as decimals, never as
 * doubles:
 * <ul>
 *   <li>{@code input_cost_per_token}, {@code output_cost_per_token} → input, output;</li>
 *   <li>Anthropic: {@code cache_creation_input_token_cost} → cache_write_5m, {@code …_above_1hr} → cache_write_1h,
 *       {@code cache_read_input_token_cost} → cache_read; OpenAI: {@code cache_read_input_token_cost} → cached_input,
 *       {@code cache_creation_input_token_cost} → cache_write;</li>
 *   <li>{@code …_above_<N>k_tokens} → the long-context tier above N,000 prompt tokens (the whole request, as LiteLLM
 *       applies it);</li>
 *   <li>{@code …_priority} → the {@code model@fast} variant (responses say {@code priority} for Fast),
 *       {@code …_flex} → {@code model@flex}; a variant price LiteLLM leaves out is its model's price × the variant's
 *       input ratio, so that a variant is complete; {@code provider_specific_entry.fast} (Claude) → {@code model@fast} at
 *       that multiple when no priority prices are given; {@code provider_specific_entry.us} → us_multiplier;</li>
 *   <li>{@code search_context_cost_per_query.search_context_size_medium} → web_search (per 1,000).</li>
 * </ul>
 * An entry whose prices are negative, absurd (above $1,000,000 per MTok) or do not form a complete entry is refused, with
 * its reason; the others are taken.
 */
public final class LiteLlmPriceMap {

  /** What a price map gives: the table's fields by {@code model.field}, and the entries refused with why. */
  public record Rows(Map<String, String> props, int models, List<String> refused) {
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Set<String> PROVIDERS = Set.of("anthropic", "openai");
  private static final Pattern TIERED = Pattern.compile("^(.+)_above_(\\d+)k_tokens(_priority|_flex)?$");
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private LiteLlmPriceMap() {
  }

  /**
   * Reads a map and checks every entry against {@code base} (the table it goes over).
   *
   * @throws IOException when the text is not a JSON object
   */
  public static Rows read(String text, PriceTable base) throws IOException {
    JsonNode root = JSON.readTree(text);
    if (root == null || !root.isObject()) {
      throw new IOException("not a JSON object of model entries");
    }
    Map<String, String> taken = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    int models = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode model = entry.getValue();
      if (key.equals("sample_spec") || key.contains("/") || !model.isObject() || !PROVIDERS.contains(text(model, "litellm_provider"))) {
        continue;
      }
      Map<String, String> props;
      try {
        props = entry(key.toLowerCase(java.util.Locale.ROOT), model, base);
      } catch (IllegalArgumentException e) {
        refused.add(key + ": " + e.getMessage());
        continue;
      }
      if (props.isEmpty()) {
        continue;
      }
      java.util.Optional<String> why = base.refusal(props);
      if (why.isPresent()) {
        refused.add(key + ": " + why.get());
        continue;
      }
      taken.putAll(props);
      models++;
    }
    return new Rows(java.util.Collections.unmodifiableMap(taken), models, List.copyOf(refused));
  }

  /** One entry's fields, {@code model.field} → $/MTok (or the field's own unit). */
  private static Map<String, String> entry(String model, JsonNode e, PriceTable base) {
    boolean anthropic = "anthropic".equals(text(e, "litellm_provider"));
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, Map<String, BigDecimal>> variants = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isNumber()) {
        continue;
      }
      String name = f.getKey();
      String variant = null;
      if (name.endsWith("_priority")) {
        variant = "fast";
        name = name.substring(0, name.length() - "_priority".length());
      } else if (name.endsWith("_flex")) {
        variant = "flex";
        name = name.substring(0, name.length() - "_flex".length());
      } else if (name.endsWith("_batches") || name.endsWith("_ultrafast")) {
        continue;
      }
      String threshold = null;
      Matcher tiered = TIERED.matcher(name);
      if (tiered.matches()) {
        name = tiered.group(1);
        threshold = tiered.group(2) + "000";
      }
      String field = field(name, anthropic);
      if (field == null) {
        continue;
      }
      BigDecimal perMTok = perMTok(model, f.getKey(), f.getValue().decimalValue());
      String target = threshold == null ? field : "tier_" + field;
      Map<String, BigDecimal> into = variant == null ? null : variants.computeIfAbsent(variant, v -> new LinkedHashMap<>());
      if (threshold != null) {
        put(variant == null ? out : null, into, model, "tier_threshold", new BigDecimal(threshold));
      }
      put(variant == null ? out : null, into, model, target, perMTok);
    }
    if (out.isEmpty()) {
      return out;
    }
    JsonNode specific = e.get("provider_specific_entry");
    if (specific != null && specific.isObject()) {
      if (specific.path("us").isNumber()) {
        out.put(model + ".us_multiplier", specific.get("us").decimalValue().stripTrailingZeros().toPlainString());
      }
      if (anthropic && specific.path("fast").isNumber() && !variants.containsKey("fast")) {
        variants.put("fast", multiplied(out, model, specific.get("fast").decimalValue()));
      }
    }
    JsonNode search = e.get("search_context_cost_per_query");
    if (search != null && search.path("search_context_size_medium").isNumber()) {
      out.put(model + ".web_search", search.get("search_context_size_medium").decimalValue().multiply(BigDecimal.valueOf(1000)).stripTrailingZeros()
          .toPlainString());
    }
    String provider = anthropic ? "anthropic" : "openai";
    out.put(model + ".provider", provider);
    // the model's prices as they will stand: the table's, with this entry's over them (for completing its variants)
    Map<String, String> merged = new LinkedHashMap<>();
    base.entry(model).ifPresent(existing -> existing.fields().forEach((field, value) -> {
      if (field.isPrice()) {
        merged.put(model + "." + field.key(), PriceValues.usdPerMTok(value).toPlainString());
      } else if (field == PriceField.TIER_THRESHOLD) {
        merged.put(model + "." + field.key(), String.valueOf(value));
      }
    }));
    merged.putAll(out);
    variants.forEach((name, prices) -> {
      Map<String, String> variant = new LinkedHashMap<>(merged);
      complete(variant, model, name, prices, provider);
      variant.forEach((k, v) -> {
        if (k.startsWith(model + "@")) {
          out.put(k, v);
        }
      });
    });
    return out;
  }

  private static void put(Map<String, String> base, Map<String, BigDecimal> variant, String model, String field, BigDecimal value) {
    if (base != null) {
      base.put(model + "." + field, value.toPlainString());
    } else {
      variant.put(field, value);
    }
  }

  /** A variant's prices: those given, and for the rest its model's × the variant's input ratio. */
  private static void complete(Map<String, String> out, String model, String variant, Map<String, BigDecimal> given, String provider) {
    String prefix = model + ".";
    String baseInput = out.get(prefix + "input");
    BigDecimal ratio = given.containsKey("input") && baseInput != null && new BigDecimal(baseInput).signum() > 0
        ? given.get("input").divide(new BigDecimal(baseInput), 12, RoundingMode.HALF_UP) : BigDecimal.ONE;
    String variantPrefix = model + "@" + variant + ".";
    Map<String, String> prices = new LinkedHashMap<>();
    out.forEach((key, value) -> {
      if (!key.startsWith(prefix)) {
        return;
      }
      String field = key.substring(prefix.length());
      if (field.equals("us_multiplier") || field.equals("web_search") || field.equals("provider")) {
        return;
      }
      if (field.equals("tier_threshold")) {
        prices.put(variantPrefix + field, value);
        return;
      }
      BigDecimal price = given.containsKey(field) ? given.get(field) : new BigDecimal(value).multiply(ratio);
      prices.put(variantPrefix + field, scale6(price));
    });
    prices.put(variantPrefix + "provider", provider);
    out.putAll(prices);
  }

  private static Map<String, BigDecimal> multiplied(Map<String, String> out, String model, BigDecimal factor) {
    Map<String, BigDecimal> prices = new LinkedHashMap<>();
    String prefix = model + ".";
    out.forEach((k, v) -> {
      String field = k.startsWith(prefix) ? k.substring(prefix.length()) : "";
      if (k.startsWith(prefix) && !field.equals("tier_threshold") && !field.equals("us_multiplier") && !field.equals("web_search")) {
        prices.put(field, new BigDecimal(v).multiply(factor));
      }
    });
    return prices;
  }

  private static String field(String name, boolean anthropic) {
    return switch (name) {
      case "input_cost_per_token" -> "input";
      case "output_cost_per_token" -> "output";
      case "cache_creation_input_token_cost" -> anthropic ? "cache_write_5m" : "cache_write";
      case "cache_creation_input_token_cost_above_1hr" -> anthropic ? "cache_write_1h" : null;
      case "cache_read_input_token_cost" -> anthropic ? "cache_read" : "cached_input";
      default -> null;
    };
  }

  private static BigDecimal perMTok(String model, String key, BigDecimal perToken) {
    BigDecimal perMTok = perToken.multiply(MILLION);
    if (perMTok.signum() < 0 || perMTok.compareTo(PriceValues.MAX_USD_PER_MTOK) > 0) {
      throw new IllegalArgumentException(key + " = " + perToken.toPlainString() + " is not a price (negative, or above $1,000,000 per MTok)");
    }
    return new BigDecimal(scale6(perMTok));
  }

  /** At most six decimals of $/MTok (a pico-dollar per token), rounded half up. */
  private static String scale6(BigDecimal value) {
    BigDecimal v = value.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    return (v.scale() < 0 ? v.setScale(0) : v).toPlainString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
