package dev.abg.admin;

import java.security.SecureRandom;
import java.util.regex.Pattern;

import dev.abg.spend.SessionId;

/**
 * The admin API's side of the session id rule ({@link SessionId}, the contract's {@code SessionId}): validation of ids in
 * paths, queries and bodies, and new ids for sessions created without one. The spec test checks that the rule's pattern
 * is the contract's.
 */
final class SessionIds {

  static final Pattern VALID = SessionId.VALID;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {
  }

  static boolean isValid(String id) {
    return SessionId.isValid(id);
  }

  /** The message for a bad id. */
  static String invalid(String id) {
    return SessionId.RULE + "; got " + FieldErrors.shown(id);
  }

  /** Validates an id from a path or query parameter. @throws InvalidRequest naming {@code field} */
  static String require(String field, String id) {
    if (!isValid(id)) {
      throw new InvalidRequest(field, invalid(id == null ? "" : id));
    }
    return id;
  }

  /** {@code abg-} and 12 lower-case letters and digits, e.g. {@code abg-k3n9x2p7q4ma}. */
  static String generate() {
    StringBuilder id = new StringBuilder("abg-");
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
