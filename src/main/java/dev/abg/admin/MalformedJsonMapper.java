package dev.abg.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 400 {@code urn:abg:problem:malformed-json}: the body could not be read as JSON. */
@Provider
class MalformedJsonMapper implements ExceptionMapper<MalformedJson> {

  private final UriInfo uri;

  MalformedJsonMapper(UriInfo uri) {
    this.uri = uri;
  }

  @Override
  public Response toResponse(MalformedJson e) {
    return new Problem("malformed-json", "Malformed JSON", 400, e.getMessage(), uri.getRequestUri().getRawPath()).response().build();
  }
}
