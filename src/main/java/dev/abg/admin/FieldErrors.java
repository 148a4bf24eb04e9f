package dev.abg.admin;

import java.util.ArrayList;
import java.util.List;

/** Collects the offending fields of one request, so that a validation error lists all of them at once. */
final class FieldErrors {

  private final List<FieldError> errors = new ArrayList<>();

  void add(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /** @throws InvalidRequest when any field was found wrong */
  void throwIfAny() {
    if (!errors.isEmpty()) {
      throw new InvalidRequest(errors);
    }
  }

  /** A value as shown in a message: quoted and clipped, so that a huge value cannot flood the answer. */
  static String shown(String value) {
    String clipped = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    return "'" + clipped + "'";
  }
}
