package dev.abg.spend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The session id rule, in one place for the proxy, the admin API and the {@code abg} CLI: 1 to 128 characters, starting
 * with a letter or digit, then letters, digits and {@code . _ : -}. The pattern itself is the resource
 * {@code abg/session-id.regex}, which the CLI reads too; the admin API's contract states the same pattern (a spec test
 * checks it).
 */
public final class SessionId {

  /** The session of a request that names none. */
  public static final String DEFAULT = "default";
  /** The rule in words, for error messages. */
  public static final String RULE = "must start with a letter or digit and contain only letters, digits and . _ : - (1 to 128 characters)";
  /** The rule as a pattern, to be matched whole. */
  public static final Pattern VALID = Pattern.compile(readPattern());

  private SessionId() {
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  private static String readPattern() {
    try (InputStream in = SessionId.class.getResourceAsStream("/abg/session-id.regex")) {
      if (in == null) {
        throw new IllegalStateException("the resource abg/session-id.regex is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read abg/session-id.regex", e);
    }
  }
}
