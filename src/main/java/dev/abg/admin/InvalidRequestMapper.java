package dev.abg.admin;

import java.util.stream.Collectors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 400 {@code urn:abg:problem:validation}, listing every offending field. */
@Provider
class InvalidRequestMapper implements ExceptionMapper<InvalidRequest> {

  private final UriInfo uri;

  InvalidRequestMapper(UriInfo uri) {
    this.uri = uri;
  }

  @Override
  public Response toResponse(InvalidRequest e) {
    int n = e.errors().size();
    String fields = e.errors().stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
    String detail = n + (n == 1 ? " field is" : " fields are") + " invalid: " + fields + ".";
    return new Problem("urn:abg:problem:validation", "Invalid request", 400, detail, uri.getRequestUri().getRawPath(), e.errors()).response().build();
  }
}
