package dev.abg.admin;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.abg.spend.Money;

/**
 * A request body read strictly, the contract's way: JSON (else {@link MalformedJson}), an object, no unknown property, no
 * duplicate property, no coercion (a string is never a number, a number never a boolean), and numbers read exactly as
 * decimals so that {@code 0.1234567} is seen with its seven decimals. Every offending property is collected; the caller
 * reads the properties it knows, then calls {@link #validated()}.
 */
final class JsonBody {

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  static final BigDecimal MAX_USD = BigDecimal.valueOf(Money.MAX_MICROS / Money.MICROS_PER_USD);
  private static final String MONEY_RULE = "must be between 0 and 1000000 US dollars, with at most 6 decimals";
  private static final String POSITIVE_MONEY_RULE = "must be more than 0 and at most 1000000 US dollars, with at most 6 decimals";

  private final ObjectNode object;
  private final FieldErrors errors = new FieldErrors();

  private JsonBody(ObjectNode object) {
    this.object = object;
  }

  /**
   * @param allowed the properties the schema has; any other is an error
   * @throws MalformedJson when the body is empty or not JSON
   * @throws InvalidRequest when it is JSON but not an object
   */
  static JsonBody parse(byte[] body, List<String> allowed) {
    if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw new MalformedJson("The request body is empty; send a JSON object such as {\"cap_usd\": 5}.");
    }
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedJson("The request body is not valid JSON: " + e.getOriginalMessage() + location(e) + ".");
    } catch (IOException e) {
      throw new MalformedJson("The request body could not be read: " + e.getMessage());
    }
    if (!(root instanceof ObjectNode object)) {
      throw new InvalidRequest("body", "must be a JSON object; got " + article(root.getNodeType()));
    }
    JsonBody parsed = new JsonBody(object);
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(name);
      }
    }
    for (String name : unknown) {
      parsed.errors.add(name, "is not a property of this request (allowed: " + String.join(", ", allowed) + ")");
    }
    return parsed;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  boolean has(String name) {
    return object.has(name);
  }

  /** Whether the property is given as JSON null. */
  boolean isNull(String name) {
    JsonNode node = object.get(name);
    return node != null && node.isNull();
  }

  int size() {
    return object.size();
  }

  FieldErrors errors() {
    return errors;
  }

  /** A dollar amount within {@code 0 … 1000000} with at most 6 decimals; {@code positive}: 0 is refused too. Null when absent. */
  BigDecimal money(String name, boolean positive) {
    JsonNode node = object.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isNumber()) {
      errors.add(name, (positive ? POSITIVE_MONEY_RULE : MONEY_RULE) + "; got " + article(node.getNodeType()));
      return null;
    }
    BigDecimal usd = node.decimalValue();
    boolean tooSmall = positive ? usd.signum() <= 0 : usd.signum() < 0;
    if (tooSmall || usd.compareTo(MAX_USD) > 0 || usd.stripTrailingZeros().scale() > 6) {
      errors.add(name, (positive ? POSITIVE_MONEY_RULE : MONEY_RULE) + "; got " + node.asText());
      return null;
    }
    return usd;
  }

  /** A fraction {@code 0 < x ≤ 1}. Null when absent. */
  BigDecimal fraction(String name) {
    JsonNode node = object.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isNumber()) {
      errors.add(name, "must be a number greater than 0 and at most 1, such as 0.8; got " + article(node.getNodeType()));
      return null;
    }
    BigDecimal f = node.decimalValue();
    if (f.signum() <= 0 || f.compareTo(BigDecimal.ONE) > 0) {
      errors.add(name, "must be a number greater than 0 and at most 1, such as 0.8; got " + node.asText());
      return null;
    }
    return f;
  }

  /** true or false. Null when absent. */
  Boolean bool(String name) {
    JsonNode node = object.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isBoolean()) {
      errors.add(name, "must be true or false; got " + article(node.getNodeType()));
      return null;
    }
    return node.booleanValue();
  }

  /** A string (or null, when {@code nullable}); returns null when absent or null. */
  String text(String name, boolean nullable, int maxLength) {
    JsonNode node = object.get(name);
    if (node == null || (node.isNull() && nullable)) {
      return null;
    }
    if (!node.isTextual()) {
      errors.add(name, "must be a string" + (nullable ? " or null" : "") + "; got " + article(node.getNodeType()));
      return null;
    }
    String value = node.textValue();
    if (value.codePointCount(0, value.length()) > maxLength) {
      errors.add(name, "must be at most " + maxLength + " characters; got " + value.codePointCount(0, value.length()));
      return null;
    }
    return value;
  }

  /** @throws InvalidRequest listing every offending property found so far */
  void validated() {
    errors.throwIfAny();
  }

  private static String article(JsonNodeType type) {
    return switch (type) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
