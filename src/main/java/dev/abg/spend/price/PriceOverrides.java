package dev.abg.spend.price;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.abg.spend.Provider;

/**
 * Applies the config file's {@code pricing.<model>.<field>} entries to a table. The keys arrive without the
 * leading {@code pricing.}; the field is the last dot segment, so model names keep their dots
 * ({@code gpt-5.5.input}), and a model may be quoted ({@code "gpt-5.5".input}).
 */
final class PriceOverrides {

  private static final String PREFIX = "pricing.";
  private static final String KEY_RULE = "a key pricing.<model>.<field> with <field> one of: ";

  private PriceOverrides() {
  }

  /** The models of {@code base} with the overrides applied; new models are added. */
  static Map<String, ModelPrice> apply(Map<String, ModelPrice> base, Map<String, String> props) {
    Map<String, Map<PriceField, Entry>> byModel = new LinkedHashMap<>();
    for (Map.Entry<String, String> prop : new TreeMap<>(props).entrySet()) {
      Entry entry = Entry.parse(prop.getKey(), prop.getValue());
      Entry earlier = byModel.computeIfAbsent(entry.model(), m -> new LinkedHashMap<>()).putIfAbsent(entry.field(), entry);
      if (earlier != null) {
        throw new IllegalArgumentException(entry.label() + " and " + earlier.label() + " set the same price; keep one of them");
      }
    }
    Map<String, ModelPrice> models = new HashMap<>(base);
    byModel.forEach((model, entries) -> {
      ModelPrice existing = base.get(model);
      ModelSpec spec = existing == null ? ModelSpec.named(model) : ModelSpec.of(existing);
      entries.values().forEach(entry -> spec.set(entry.field(), entry.value(), entry.label()));
      spec.defaultProvider(model.startsWith("claude") ? Provider.ANTHROPIC : Provider.OPENAI);
      String written = entries.values().iterator().next().writtenModel();
      models.put(model, spec.build(field -> PREFIX + written + "." + field.key()));
    });
    return models;
  }

  /**
   * {@code +cfg-} and the first 8 hex digits of a SHA-256 over the entries sorted by key, so that two different
   * override sets give two different table versions.
   */
  static String versionSuffix(Map<String, String> props) {
    return versionSuffix("cfg", props);
  }

  /** {@code +<label>-} and 8 hex digits, as {@link #versionSuffix(Map)}. */
  static String versionSuffix(String label, Map<String, String> props) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> prop : new TreeMap<>(props).entrySet()) {
        // NUL separators: no key or value boundary can be shifted to make another set hash the same way
        sha.update((prop.getKey() + '\0' + prop.getValue() + '\0').getBytes(StandardCharsets.UTF_8));
      }
      return "+" + label + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  /** One override: {@code writtenModel} is the model as the key spelled it, {@code model} its table key. */
  private record Entry(String key, String writtenModel, String model, PriceField field, String value) {

    static Entry parse(String key, String value) {
      int dot = key.lastIndexOf('.');
      String label = PREFIX + key;
      if (dot <= 0 || dot == key.length() - 1) {
        throw new IllegalArgumentException(label + " = \"" + value + "\" is not allowed: expected " + KEY_RULE + PriceField.allowedKeys());
      }
      String written = key.substring(0, dot).trim();
      String fieldName = key.substring(dot + 1);
      PriceField field = PriceField.byKey(fieldName).orElseThrow(() -> new IllegalArgumentException(
          label + " = \"" + value + "\" is not allowed: unknown field '" + fieldName + "', expected one of: " + PriceField.allowedKeys()));
      String model = unquote(written).toLowerCase(Locale.ROOT);
      if (model.isEmpty() || model.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"')) {
        throw new IllegalArgumentException(label + " = \"" + value + "\" is not allowed: the model name must be non-empty, without spaces or quotes inside; "
            + KEY_RULE + PriceField.allowedKeys());
      }
      return new Entry(key, written, model, field, value);
    }

    String label() {
      return PREFIX + key;
    }

    private static String unquote(String model) {
      return model.length() >= 2 && model.startsWith("\"") && model.endsWith("\"") ? model.substring(1, model.length() - 1).trim() : model;
    }
  }
}
