package dev.abg.admin;

/**
 * One offending field of a request.
 *
 * @param field   the JSON property or parameter name, e.g. {@code cap_usd}, {@code limit}, {@code id}
 * @param message what is wrong and what is allowed
 */
record FieldError(String field, String message) {
}
