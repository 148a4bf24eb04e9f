package dev.abg.admin;

import static io.restassured.RestAssured.given;

import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers for the admin API: JSON requests, unique session ids (the @QuarkusTests share one app and one ledger). */
final class AdminApi {

  static final String PROBLEM_JSON = "application/problem+json";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  private AdminApi() {
  }

  /** A session id no other test uses: {@code <prefix>-<run>-<n>}. */
  static String uniqueId(String prefix) {
    return prefix + "-" + RUN + "-" + SEQ.incrementAndGet();
  }

  static RequestSpecification json() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON);
  }

  /** Creates a session through the API and returns its id. */
  static String createSession(String prefix, String capUsd) {
    String id = uniqueId(prefix);
    json().body("{\"id\":\"" + id + "\"" + (capUsd == null ? "" : ",\"cap_usd\":" + capUsd) + "}")
        .post("/abg/sessions").then().statusCode(201);
    return id;
  }
}
