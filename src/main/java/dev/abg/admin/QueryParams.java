package dev.abg.admin;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The query parameters of one list request, read strictly and validated together: every bad one is listed in the 400.
 * Values are taken as text, so that nothing is coerced ({@code limit=10.0} and {@code closed=yes} are errors).
 */
final class QueryParams {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final Pattern TIME_BOUND =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?");
  private static final String TIME_RULE = "must be an ISO-8601 instant with an offset (2026-11-28T09:00:00Z) or a date (2026-11-28)";

  private final FieldErrors errors = new FieldErrors();
  private final ZoneId zone;

  QueryParams(ZoneId zone) {
    this.zone = zone;
  }

  int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below, with the value
    }
    errors.add("limit", "must be a whole number between 1 and " + MAX_LIMIT + "; got " + FieldErrors.shown(raw));
    return DEFAULT_LIMIT;
  }

  /** {@code order}: true for {@code desc} (the default), false for {@code asc}. */
  boolean newestFirst(String raw) {
    return oneOf("order", raw, List.of("asc", "desc"), "desc").equals("desc");
  }

  String oneOf(String name, String raw, List<String> allowed, String fallback) {
    if (raw == null) {
      return fallback;
    }
    if (!allowed.contains(raw)) {
      errors.add(name, "must be one of " + String.join(", ", allowed) + "; got " + FieldErrors.shown(raw));
      return fallback;
    }
    return raw;
  }

  Boolean bool(String name, String raw) {
    if (raw == null) {
      return null;
    }
    if (!raw.equals("true") && !raw.equals("false")) {
      errors.add(name, "must be true or false; got " + FieldErrors.shown(raw));
      return null;
    }
    return Boolean.valueOf(raw);
  }

  /** A session id filter (existence is checked by the caller, after validation). */
  String session(String raw) {
    if (raw == null) {
      return null;
    }
    if (!SessionIds.isValid(raw)) {
      errors.add("session", SessionIds.invalid(raw));
      return null;
    }
    return raw;
  }

  /** {@code since}: an instant, or a date = the start of that day in the configured time zone. */
  Instant since(String raw) {
    return bound("since", raw, false);
  }

  /** {@code until}: an instant, or a date = the end of that day (the start of the next) in the configured time zone. */
  Instant until(String raw) {
    return bound("until", raw, true);
  }

  /** Checks {@code until} is not before {@code since}. */
  void ordered(Instant since, Instant until) {
    if (since != null && until != null && until.isBefore(since)) {
      errors.add("until", "must not be before since; got since " + since + " and until " + until);
    }
  }

  String cursor(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.length() > 512) {
      errors.add("cursor", "must be the next_cursor of the previous page, passed back unchanged");
      return null;
    }
    return raw;
  }

  FieldErrors errors() {
    return errors;
  }

  /** @throws InvalidRequest listing every bad parameter */
  void validated() {
    errors.throwIfAny();
  }

  private Instant bound(String name, String raw, boolean endOfDay) {
    if (raw == null) {
      return null;
    }
    // a '+' of an offset arrives as a space when the client did not percent-encode it
    String value = raw.trim().replace(' ', '+');
    if (!TIME_BOUND.matcher(value).matches()) {
      errors.add(name, TIME_RULE + "; got " + FieldErrors.shown(raw));
      return null;
    }
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeException e) {
      errors.add(name, TIME_RULE + "; got " + FieldErrors.shown(raw) + ", which is not a real date or time");
      return null;
    }
  }
}
