package dev.abg.proxy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.abg.proxy.bytes.NettyBytes;
import io.vertx.core.buffer.Buffer;

/**
 * What the proxy needs to know from a billed request body, read with a streaming parser that skips everything else
 * (messages, tools and system prompts are never materialised).
 *
 * @param model             {@code model}
 * @param stream            {@code stream: true}
 * @param maxOutputTokens   {@code max_tokens}, {@code max_output_tokens} or {@code max_completion_tokens}; 0 when absent
 * @param includeUsage      Chat Completions {@code stream_options.include_usage: true}
 * @param metadataSession   Claude Code's {@code metadata.user_id} JSON string's {@code session_id}, or null
 * @param promptCacheKey    Codex's {@code prompt_cache_key} (equal to its session id), or null
 */
record RequestFacts(String model, boolean stream, long maxOutputTokens, boolean includeUsage, String metadataSession, String promptCacheKey) {

  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** @throws ProxyFailure 400 when the body is not a JSON object or names no model */
  static RequestFacts parse(Buffer body) {
    String model = null;
    boolean stream = false;
    long maxTokens = 0;
    boolean includeUsage = false;
    String metadataSession = null;
    String promptCacheKey = null;
    try (JsonParser p = parser(JSON, body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ProxyFailure.badRequest("abg: the request body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> model = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "stream" -> stream = value == JsonToken.VALUE_TRUE;
          case "max_tokens", "max_output_tokens", "max_completion_tokens" -> maxTokens = value == JsonToken.VALUE_NUMBER_INT ? Math.max(0, p.getLongValue()) : 0;
          case "stream_options" -> includeUsage = readIncludeUsage(p, value);
          case "metadata" -> metadataSession = readMetadataSession(p, value);
          case "prompt_cache_key" -> promptCacheKey = value == JsonToken.VALUE_STRING ? p.getText() : null;
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw ProxyFailure.badRequest("abg: the request body is not valid JSON (trailing content after the object)");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ProxyFailure.badRequest("abg: the request body is not valid JSON: " + Texts.clip(e.getOriginalMessage(), 160));
    } catch (IOException e) {
      throw ProxyFailure.badRequest("abg: the request body could not be read: " + Texts.clip(e.getMessage(), 160));
    }
    if (model == null || model.isBlank()) {
      throw ProxyFailure.badRequest("abg: the request names no model (a \"model\" string is required)");
    }
    return new RequestFacts(model, stream, maxTokens, includeUsage, metadataSession, promptCacheKey);
  }

  private static boolean readIncludeUsage(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return false;
    }
    boolean include = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("include_usage")) {
        include = v == JsonToken.VALUE_TRUE;
      } else {
        p.skipChildren();
      }
    }
    return include;
  }

  private static String readMetadataSession(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String session = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("user_id") && v == JsonToken.VALUE_STRING) {
        session = sessionOfUserId(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return session;
  }

  /** Claude Code's {@code metadata.user_id} is a JSON string: {@code {"device_id":…,"session_id":…}}. */
  private static String sessionOfUserId(String userId) {
    if (!userId.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(userId);
      JsonNode session = node.get("session_id");
      return session != null && session.isTextual() ? session.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A streaming Chat Completions request without {@code stream_options.include_usage} gets it, so that the upstream
   * always reports usage (the README says so). Returns the body to send.
   */
  static Buffer withIncludeUsage(Buffer body) {
    try {
      ObjectNode root = (ObjectNode) MAPPER.readTree(parser(MAPPER.getFactory(), body));
      JsonNode options = root.get("stream_options");
      ObjectNode streamOptions = options instanceof ObjectNode o ? o : root.putObject("stream_options");
      streamOptions.put("include_usage", true);
      return Buffer.buffer(MAPPER.writeValueAsBytes(root));
    } catch (IOException | ClassCastException e) {
      throw ProxyFailure.badRequest("abg: the request body is not valid JSON");
    }
  }

  /**
   * A parser over the body's own bytes: a copy of a 24 KB body for each request was 17% of the proxy's allocation (the
   * allocation profile, docs/benchmarks/profiles.md item 11).
   */
  static JsonParser parser(JsonFactory factory, Buffer body) throws IOException {
    io.netty.buffer.ByteBuf bytes = NettyBytes.of(body);
    return bytes.hasArray() ? factory.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes())
        : factory.createParser((java.io.InputStream) new io.netty.buffer.ByteBufInputStream(bytes));
  }
}
