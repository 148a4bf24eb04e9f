package dev.abg.admin;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 405 {@code urn:abg:problem:method-not-allowed}, with the {@code Allow} header of the path. */
@Provider
class NotAllowedMapper implements ExceptionMapper<NotAllowedException> {

  private final UriInfo uri;
  private final Request request;

  NotAllowedMapper(UriInfo uri, Request request) {
    this.uri = uri;
    this.request = request;
  }

  @Override
  public Response toResponse(NotAllowedException e) {
    String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
    String path = uri.getRequestUri().getRawPath();
    return new Problem("method-not-allowed", "Method not allowed", 405, request.getMethod() + " is not an operation of " + path
        + (allow == null ? "" : "; it allows " + allow) + ".", path).response().header(HttpHeaders.ALLOW, allow).build();
  }
}
