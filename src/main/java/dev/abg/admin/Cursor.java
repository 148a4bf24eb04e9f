package dev.abg.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An opaque page cursor: where the previous page ended (a sort key and an id) and a fingerprint of the filters and sort
 * it was issued for, as base64url JSON. A cursor that cannot be read, or that comes back with other filters, is refused
 * (field {@code cursor}), so that a page never silently continues another list.
 *
 * @param key the sort key of the last item (text; empty for lists sorted by id alone)
 * @param id  the id of the last item
 */
record Cursor(String key, String id) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param query the filters and sort of the list, in a fixed order (not the limit: a page size may change) */
  static String fingerprint(String... query) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", query).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  String encode(String fingerprint) {
    ObjectNode node = JSON.createObjectNode().put("f", fingerprint).put("k", key).put("i", id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of a request, or null without one; a bad one is added to {@code errors}. */
  static Cursor decode(String raw, String fingerprint, FieldErrors errors) {
    if (raw == null) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(Base64.getUrlDecoder().decode(raw));
    } catch (IllegalArgumentException | IOException e) {
      node = null;
    }
    if (node == null || !node.path("f").isTextual() || !node.path("k").isTextual() || !node.path("i").isTextual()) {
      errors.add("cursor", "cannot be read; pass the next_cursor of the previous page unchanged, or leave cursor out for the first page");
      return null;
    }
    if (!node.get("f").textValue().equals(fingerprint)) {
      errors.add("cursor", "was issued for other filters or another sort; repeat the query parameters of the first page, or leave cursor out");
      return null;
    }
    return new Cursor(node.get("k").textValue(), node.get("i").textValue());
  }

  long idAsLong(FieldErrors errors) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      errors.add("cursor", "cannot be read; pass the next_cursor of the previous page unchanged");
      return 0;
    }
  }
}
