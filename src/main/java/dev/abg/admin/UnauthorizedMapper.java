package dev.abg.admin;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 401 {@code urn:abg:problem:unauthorized}, with the {@code WWW-Authenticate} challenge. */
@Provider
class UnauthorizedMapper implements ExceptionMapper<Unauthorized> {

  static final String CHALLENGE = "Bearer realm=\"abg\"";

  private final UriInfo uri;

  UnauthorizedMapper(UriInfo uri) {
    this.uri = uri;
  }

  @Override
  public Response toResponse(Unauthorized e) {
    return new Problem("unauthorized", "Unauthorized", 401, e.getMessage(), uri.getRequestUri().getRawPath()).response()
        .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
  }
}
