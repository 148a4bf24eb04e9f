package dev.abg.admin;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 415 {@code urn:abg:problem:unsupported-media-type}: a request body that is not {@code application/json}. */
@Provider
class UnsupportedMediaTypeMapper implements ExceptionMapper<NotSupportedException> {

  private final UriInfo uri;
  private final HttpHeaders headers;

  UnsupportedMediaTypeMapper(UriInfo uri, HttpHeaders headers) {
    this.uri = uri;
    this.headers = headers;
  }

  @Override
  public Response toResponse(NotSupportedException e) {
    String got = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
    String detail = "Send the body as JSON with 'Content-Type: application/json'; got " + (got == null ? "no Content-Type" : "'" + got + "'") + ".";
    return new Problem("unsupported-media-type", "Unsupported media type", 415, detail, uri.getRequestUri().getRawPath()).response().build();
  }
}
