package dev.abg.admin;

/** A request body that is not JSON at all (or empty). Answered with 400. */
final class MalformedJson extends RuntimeException {

  MalformedJson(String message) {
    super(message, null, false, false);
  }
}
