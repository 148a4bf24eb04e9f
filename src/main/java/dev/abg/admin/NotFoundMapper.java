package dev.abg.admin;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 404 {@code urn:abg:problem:not-found}: no operation at this path. */
@Provider
class NotFoundMapper implements ExceptionMapper<NotFoundException> {

  private final UriInfo uri;
  private final Request request;

  NotFoundMapper(UriInfo uri, Request request) {
    this.uri = uri;
    this.request = request;
  }

  @Override
  public Response toResponse(NotFoundException e) {
    String path = uri.getRequestUri().getRawPath();
    return new Problem("not-found", "Not found", 404, "No operation " + request.getMethod() + " " + path
        + ". The admin API's operations are listed at /q/openapi (or /q/swagger-ui).", path).response().build();
  }
}
