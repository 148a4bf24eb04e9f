package dev.abg.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A body sent to an operation that consumes JSON must say it is JSON: {@code @Consumes} refuses other types with 415,
 * and this refuses a request without any {@code Content-Type} the same way, as the contract says.
 */
class JsonContentType {

  @ServerRequestFilter
  void requireContentType(ContainerRequestContext request, ResourceInfo resource) {
    if (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(Consumes.class)
        && request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
      throw new NotSupportedException("no Content-Type");
    }
  }
}
