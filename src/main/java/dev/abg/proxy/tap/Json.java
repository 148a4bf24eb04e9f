package dev.abg.proxy.tap;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Defensive JSON reading for the taps: nothing here throws. A malformed document reads as {@code null} / {@code false}, and a
 * field with the wrong type, a negative or absurd token count, or a missing field reads as "absent" ({@code -1} or
 * {@code null}) so that the caller keeps the value it had.
 */
final class Json {

  /** More tokens than this for one request is not believed. */
  static final long MAX_TOKENS = 100_000_000L;
  /** Strings kept from a response (ids, model names, error types and messages) are cut to this many chars. */
  static final int MAX_TEXT_CHARS = 1024;

  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {
  }

  /** Called for each string value of a streamed document; {@code context} names the field ({@code getCurrentName()}). */
  @FunctionalInterface
  interface StringVisitor {
    void visit(JsonStreamContext context, JsonParser parser) throws IOException;
  }

  /** The document as a tree when it is one well-formed JSON object, else {@code null}. */
  static JsonNode object(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The bytes as a tree when they are one well-formed JSON object (UTF-8), else {@code null}. */
  static JsonNode object(byte[] bytes, int offset, int length) {
    try {
      JsonNode node = MAPPER.readTree(bytes, offset, length);
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The named child when it is an object, else {@code null}. */
  static JsonNode child(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    return node != null && node.isObject() ? node : null;
  }

  /** A token count: an integral number in {@code [0, MAX_TOKENS]}, else {@code -1} (absent, wrong type, negative, absurd). */
  static long tokens(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      return -1;
    }
    long value = node.longValue();
    return value >= 0 && value <= MAX_TOKENS ? value : -1;
  }

  /** A string field, cut to {@link #MAX_TEXT_CHARS}; {@code null} when absent or not a string. */
  static String text(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    return node != null && node.isTextual() ? truncate(node.textValue()) : null;
  }

  static String truncate(String text) {
    return text == null || text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS);
  }

  /**
   * Streams through the document without building a tree and shows every string value to the visitor. Returns
   * {@code false} when the document is malformed; the visitor may have seen part of it by then.
   */
  static boolean scanStrings(String json, StringVisitor visitor) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.VALUE_STRING) {
          visitor.visit(parser.getParsingContext(), parser);
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The top-level {@code "type"} string of an object, read by streaming and skipping the other fields; else {@code null}. */
  static String topLevelType(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("type".equals(name)) {
          return value == JsonToken.VALUE_STRING ? truncate(parser.getText()) : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** True when the string value's field is {@code name} and its object sits directly under a field called {@code parent}. */
  static boolean isField(JsonStreamContext context, String name, String parent) {
    JsonStreamContext up = context.getParent();
    return context.inObject() && name.equals(context.getCurrentName()) && up != null && parent.equals(up.getCurrentName());
  }
}
