package dev.abg.admin;

import java.util.List;

/** A request whose fields or parameters break the contract; every offending field is listed. Answered with 400. */
final class InvalidRequest extends RuntimeException {

  private final transient List<FieldError> errors;

  InvalidRequest(List<FieldError> errors) {
    super(errors.size() + " invalid field(s)", null, false, false);
    this.errors = List.copyOf(errors);
  }

  InvalidRequest(String field, String message) {
    this(List.of(new FieldError(field, message)));
  }

  List<FieldError> errors() {
    return errors;
  }
}
