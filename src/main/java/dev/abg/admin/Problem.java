package dev.abg.admin;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem, the body of every error of the admin API, served as {@code application/problem+json}.
 *
 * @param type     {@code urn:abg:problem:<kind>}
 * @param title    the same for every occurrence of the type
 * @param detail   what went wrong in this request and what to do about it
 * @param instance the request path
 * @param errors   for validation problems, every offending field; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

  static final String MEDIA_TYPE = "application/problem+json";

  Problem(String kind, String title, int status, String detail, String instance) {
    this("urn:abg:problem:" + kind, title, status, detail, instance, null);
  }

  Response.ResponseBuilder response() {
    return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this);
  }
}
