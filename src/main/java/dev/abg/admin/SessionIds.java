package dev.abg.admin;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The session id rule of the contract ({@code SessionId}): 1 to 128 characters, starting with a letter or digit, then
 * letters, digits, {@code . _ : -}. The proxy applies the same rule ({@code dev.abg.proxy.SessionResolver.VALID}); the
 * spec test checks that this pattern is the contract's.
 */
final class SessionIds {

  static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final String RULE = "must start with a letter or digit and contain only letters, digits and . _ : - (1 to 128 characters)";
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {
  }

  static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /** The message for a bad id. */
  static String invalid(String id) {
    return RULE + "; got " + FieldErrors.shown(id);
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
