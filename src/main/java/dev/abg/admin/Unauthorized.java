package dev.abg.admin;

/** An admin call without the right bearer token while {@code admin_token} is set. Answered with 401. */
final class Unauthorized extends RuntimeException {

  Unauthorized(String message) {
    super(message, null, false, false);
  }
}
