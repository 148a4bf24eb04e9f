package dev.abg.admin;

import static dev.abg.admin.AdminApi.PROBLEM_JSON;
import static dev.abg.admin.AdminApi.createSession;
import static dev.abg.admin.AdminApi.json;
import static dev.abg.admin.AdminApi.uniqueId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class SessionsResourceTests {

  @BeforeAll
  static void logFailures() {
    RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
  }

  // ---------------------------------------------------------------- create

  @Test
  void shouldCreateSessionWithIdLabelAndCap() {
    String id = uniqueId("create");
    json().body("{\"id\":\"" + id + "\",\"label\":\"Fix login redirect loop\",\"cap_usd\":5}")
        .post("/abg/sessions")
        .then().statusCode(201)
        .contentType("application/json")
        .header("Location", endsWith("/abg/sessions/" + id))
        .body("id", equalTo(id))
        .body("label", equalTo("Fix login redirect loop"))
        .body("cap_usd", equalTo(5))
        .body("spent_usd", equalTo(0))
        .body("remaining_usd", equalTo(5))
        .body("in_flight_usd", equalTo(0))
        .body("state", equalTo("active"))
        .body("requests", equalTo(0))
        .body("closed", equalTo(false))
        .body("first_seen", matchesPattern("\\d{4}-\\d{2}-\\d{2}T.*Z"));
  }

  @Test
  void shouldGenerateIdWhenNoneIsGiven() {
    String id = json().body("{\"label\":\"CI #1234\",\"cap_usd\":3}").post("/abg/sessions")
        .then().statusCode(201).body("cap_usd", equalTo(3)).extract().path("id");
    assertTrue(id.matches("abg-[a-z0-9]{12}"), id);
    given().get("/abg/sessions/" + id).then().statusCode(200).body("label", equalTo("CI #1234"));
  }

  @Test
  void shouldFollowDefaultCapWhenNoneIsGiven() {
    String id = uniqueId("default-cap");
    json().body("{\"id\":\"" + id + "\"}").post("/abg/sessions").then().statusCode(201).body("cap_usd", equalTo(5)).body("label", nullValue());
  }

  @Test
  void shouldKeepSixDecimalsExactly() {
    String id = uniqueId("micro");
    json().body("{\"id\":\"" + id + "\",\"cap_usd\":0.000001}").post("/abg/sessions").then().statusCode(201).body("cap_usd", equalTo(0.000001f));
    String body = given().get("/abg/sessions/" + id).then().statusCode(200).extract().asString();
    assertTrue(body.contains("\"cap_usd\":0.000001"), body);
  }

  @Test
  void shouldRefuseDuplicateWith409() {
    String id = createSession("dup", "2");
    json().body("{\"id\":\"" + id + "\",\"cap_usd\":9}").post("/abg/sessions")
        .then().statusCode(409).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:session-exists"))
        .body("status", equalTo(409))
        .body("detail", containsString("'" + id + "' exists already (cap $2.00, spent $0.00)"))
        .body("instance", equalTo("/abg/sessions"));
    given().get("/abg/sessions/" + id).then().body("cap_usd", equalTo(2));
  }

  @Test
  void shouldRefuseMalformedJsonWith400() {
    json().body("{\"id\": \"x\", \"cap_usd\": }").post("/abg/sessions")
        .then().statusCode(400).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:malformed-json"))
        .body("title", equalTo("Malformed JSON"))
        .body("detail", containsString("not valid JSON"))
        .body("errors", nullValue());
  }

  @Test
  void shouldRefuseEmptyBodyWith400() {
    json().body("").post("/abg/sessions").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:malformed-json"));
  }

  @Test
  void shouldRefuseNaNAndInfinityAsMalformedJson() {
    for (String value : List.of("NaN", "Infinity", "-Infinity")) {
      json().body("{\"cap_usd\": " + value + "}").post("/abg/sessions")
          .then().statusCode(400).body("type", equalTo("urn:abg:problem:malformed-json"));
    }
  }

  @Test
  void shouldRefuseWrongContentTypeWith415() {
    given().contentType("text/plain").body("{\"cap_usd\":3}").post("/abg/sessions")
        .then().statusCode(415).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:unsupported-media-type"))
        .body("detail", containsString("got 'text/plain"));
    given().contentType("application/x-www-form-urlencoded").body("cap_usd=3").post("/abg/sessions")
        .then().statusCode(415).body("type", equalTo("urn:abg:problem:unsupported-media-type"));
  }

  @Test
  void shouldRefuseBodyWithoutContentTypeWith415() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/abg/sessions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"cap_usd\":3}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, response.statusCode());
    assertEquals(PROBLEM_JSON, response.headers().firstValue("content-type").orElse(""));
    assertTrue(response.body().contains("got no Content-Type"), response.body());
  }

  @Test
  void shouldAnswerUnknownPathsAndMethodsAsProblems() {
    given().get("/abg/nope").then().statusCode(404).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:not-found")).body("detail", containsString("GET /abg/nope"));
    given().delete("/abg/sessions/some-id").then().statusCode(405).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:method-not-allowed"));
  }

  @Test
  void shouldRefuseBadCapsListingEveryField() {
    String[][] cases = {
        {"-1", "got -1"},
        {"1000000.000001", "got 1000000.000001"},
        {"1e12", "got 1"},
        {"1E400", "got 1"},
        {"0.0000001", "got 1"},
        {"\"5\"", "got a string"},
        {"\"NaN\"", "got a string"},
        {"true", "got a boolean"},
        {"null", "got null"},
        {"[5]", "got an array"},
    };
    for (String[] c : cases) {
      json().body("{\"id\":\"bug fix\",\"cap_usd\":" + c[0] + "}").post("/abg/sessions")
          .then().statusCode(400).contentType(PROBLEM_JSON)
          .body("type", equalTo("urn:abg:problem:validation"))
          .body("detail", equalTo("2 fields are invalid: id, cap_usd."))
          .body("errors.field", equalTo(List.of("id", "cap_usd")))
          .body("errors[1].message", containsString("must be between 0 and 1000000 US dollars, with at most 6 decimals; " + c[1]));
    }
  }

  @Test
  void shouldAcceptCapBoundaries() {
    json().body("{\"id\":\"" + uniqueId("zero") + "\",\"cap_usd\":0}").post("/abg/sessions").then().statusCode(201).body("state", equalTo("blocked"));
    json().body("{\"id\":\"" + uniqueId("max") + "\",\"cap_usd\":1000000}").post("/abg/sessions").then().statusCode(201).body("cap_usd", equalTo(1000000));
    json().body("{\"id\":\"" + uniqueId("trail") + "\",\"cap_usd\":2.5000000}").post("/abg/sessions").then().statusCode(201).body("cap_usd", equalTo(2.5f));
  }

  @Test
  void shouldRefuseBadSessionIds() {
    String tooLong = "a".repeat(129);
    for (String bad : List.of("bug fix", "-leading-dash", "", "a/b", "émile", "a;b", tooLong)) {
      json().body("{\"id\":\"" + bad + "\"}").post("/abg/sessions")
          .then().statusCode(400).contentType(PROBLEM_JSON)
          .body("errors[0].field", equalTo("id"))
          .body("errors[0].message", containsString("must start with a letter or digit"));
    }
    String longest = uniqueId("max128");
    longest = longest + "x".repeat(128 - longest.length());
    json().body("{\"id\":\"" + longest + "\"}").post("/abg/sessions").then().statusCode(201).body("id", equalTo(longest));
    json().body("{\"id\":12}").post("/abg/sessions").then().statusCode(400).body("errors[0].message", containsString("must be a string"));
  }

  @Test
  void shouldRefuseBadSessionIdsInPaths() {
    given().get("/abg/sessions/{id}", "bug fix").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("errors[0].field", equalTo("id")).body("errors[0].message", containsString("got 'bug fix'"));
    given().get("/abg/sessions/" + "b".repeat(129)).then().statusCode(400).body("errors[0].field", equalTo("id"));
    json().body("{\"raise_usd\":1}").patch("/abg/sessions/-x").then().statusCode(400).body("errors[0].field", equalTo("id"));
    given().post("/abg/sessions/.x/reset").then().statusCode(400);
    given().post("/abg/sessions/{id}/close", "x?y").then().statusCode(400).body("errors[0].message", containsString("got 'x?y'"));
  }

  @Test
  void shouldRefuseUnknownFieldsSoThatTyposNeverCreateDefaults() {
    json().body("{\"id\":\"" + uniqueId("typo") + "\",\"cap\":3,\"lable\":\"x\"}").post("/abg/sessions")
        .then().statusCode(400)
        .body("type", equalTo("urn:abg:problem:validation"))
        .body("errors.field", equalTo(List.of("cap", "lable")))
        .body("errors[0].message", containsString("allowed: id, label, cap_usd"));
  }

  @Test
  void shouldRefuseNonObjectBody() {
    json().body("[1,2]").post("/abg/sessions").then().statusCode(400).body("errors[0].field", equalTo("body"));
    json().body("\"x\"").post("/abg/sessions").then().statusCode(400).body("errors[0].field", equalTo("body"));
  }

  @Test
  void shouldRefuseLongLabel() {
    json().body("{\"label\":\"" + "x".repeat(201) + "\"}").post("/abg/sessions")
        .then().statusCode(400).body("errors[0].field", equalTo("label")).body("errors[0].message", containsString("at most 200"));
  }

  // ---------------------------------------------------------------- get, list

  @Test
  void shouldAnswer404ForUnknownSession() {
    String id = uniqueId("ghost");
    for (var call : List.<Runnable>of(
        () -> given().get("/abg/sessions/" + id).then().statusCode(404).contentType(PROBLEM_JSON)
            .body("type", equalTo("urn:abg:problem:session-not-found"))
            .body("detail", equalTo("No session '" + id + "'. List sessions with GET /abg/sessions, or create it with POST /abg/sessions."))
            .body("instance", equalTo("/abg/sessions/" + id)),
        () -> json().body("{\"raise_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(404),
        () -> given().post("/abg/sessions/" + id + "/reset").then().statusCode(404),
        () -> given().post("/abg/sessions/" + id + "/close").then().statusCode(404),
        () -> given().get("/abg/requests?session=" + id).then().statusCode(404),
        () -> given().get("/abg/events?session=" + id).then().statusCode(404),
        () -> given().get("/abg/export?session=" + id).then().statusCode(404).contentType(PROBLEM_JSON))) {
      call.run();
    }
  }

  @Test
  void shouldShowSessionDetailWithEmptyBreakdowns() {
    String id = createSession("detail", "4");
    given().get("/abg/sessions/" + id).then().statusCode(200)
        .body("id", equalTo(id))
        .body("cap_usd", equalTo(4))
        .body("by_model", empty())
        .body("by_agent", empty())
        .body("last_reset_at", nullValue())
        .body("lifetime_spent_usd", equalTo(0))
        .body("lifetime_requests", equalTo(0));
  }

  @Test
  void shouldListSortAndPaginateWithCursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(createSession("page", null));
    }
    // newest activity first: the five just created come first, newest on top
    JsonPath first = given().get("/abg/sessions?limit=2").then().statusCode(200).extract().jsonPath();
    assertEquals(List.of(ids.get(4), ids.get(3)), first.getList("items.id"));
    String cursor = first.getString("next_cursor");
    assertNotNull(cursor);
    JsonPath second = given().queryParam("limit", 2).queryParam("cursor", cursor).get("/abg/sessions").then().statusCode(200).extract().jsonPath();
    assertEquals(List.of(ids.get(2), ids.get(1)), second.getList("items.id"));
    // ascending order walks the other way, and a page never repeats an item
    List<String> seen = new ArrayList<>();
    String next = null;
    do {
      var request = given().queryParam("order", "asc").queryParam("limit", 3);
      if (next != null) {
        request.queryParam("cursor", next);
      }
      JsonPath page = request.get("/abg/sessions").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("items.id"));
      next = page.getString("next_cursor");
    } while (next != null);
    assertEquals(seen.size(), seen.stream().distinct().count());
    assertTrue(seen.containsAll(ids));
    assertEquals(ids, seen.subList(seen.size() - 5, seen.size()));
  }

  @Test
  void shouldFilterByStateAndClosed() {
    String blocked = createSession("zero-cap", "0");
    String open = createSession("open", "5");
    given().get("/abg/sessions?state=blocked&limit=500").then().statusCode(200)
        .body("items.id", hasItem(blocked)).body("items.id", not(hasItem(open))).body("items.state", not(hasItem("active")));
    given().post("/abg/sessions/" + open + "/close").then().statusCode(200);
    given().get("/abg/sessions?closed=true&limit=500").then().statusCode(200)
        .body("items.id", hasItem(open)).body("items.id", not(hasItem(blocked))).body("items.closed", not(hasItem(false)));
    given().get("/abg/sessions?closed=false&state=active&sort=spend&limit=500").then().statusCode(200)
        .body("items.id", not(hasItem(open))).body("items.id", not(hasItem(blocked)));
  }

  @Test
  void shouldRefuseBadListParametersListingEach() {
    given().get("/abg/sessions?limit=0&order=up&state=dead&closed=yes&sort=name").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("errors.field", equalTo(List.of("state", "closed", "sort", "order", "limit")))
        .body("detail", equalTo("5 fields are invalid: state, closed, sort, order, limit."));
    given().get("/abg/sessions?limit=501").then().statusCode(400).body("errors[0].message", containsString("between 1 and 500; got '501'"));
    given().get("/abg/sessions?limit=10.0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
    given().get("/abg/sessions?cursor=not-a-cursor").then().statusCode(400).body("errors[0].field", equalTo("cursor"));
  }

  @Test
  void shouldRefuseCursorOfAnotherQuery() {
    createSession("cur", null);
    createSession("cur", null);
    String cursor = given().get("/abg/sessions?limit=1").then().extract().path("next_cursor");
    given().queryParam("cursor", cursor).queryParam("sort", "spend").get("/abg/sessions")
        .then().statusCode(400).body("errors[0].field", equalTo("cursor")).body("errors[0].message", containsString("other filters"));
  }

  // ---------------------------------------------------------------- patch, reset, close

  @Test
  void shouldRaiseSetCapAndRelabel() {
    String id = createSession("patch", "5");
    json().body("{\"raise_usd\":2}").patch("/abg/sessions/" + id).then().statusCode(200).body("cap_usd", equalTo(7));
    json().body("{\"raise_usd\":0.000001}").patch("/abg/sessions/" + id).then().statusCode(200).body("cap_usd", equalTo(7.000001f));
    json().body("{\"cap_usd\":10,\"label\":\"part 2\"}").patch("/abg/sessions/" + id).then().statusCode(200)
        .body("cap_usd", equalTo(10)).body("label", equalTo("part 2"));
    json().body("{\"label\":\"\"}").patch("/abg/sessions/" + id).then().statusCode(200).body("label", nullValue());
    json().body("{\"label\":\"again\"}").patch("/abg/sessions/" + id).then().statusCode(200).body("label", equalTo("again"));
    json().body("{\"label\":null}").patch("/abg/sessions/" + id).then().statusCode(200).body("label", nullValue());
    given().get("/abg/events?session=" + id + "&order=asc").then().statusCode(200)
        .body("items.kind", equalTo(List.of("session_created", "raised", "raised", "cap_set", "label_set", "label_set", "label_set", "label_set")))
        .body("items[1].detail.raise_usd", equalTo(2))
        .body("items[1].detail.old_cap_usd", equalTo(5))
        .body("items[1].detail.new_cap_usd", equalTo(7))
        .body("items[3].detail.old_cap_usd", equalTo(7.000001f))
        .body("items[3].detail.new_cap_usd", equalTo(10))
        .body("items[4].detail.new_label", equalTo("part 2"))
        .body("items.source", not(hasItem(not(equalTo("api")))));
  }

  @Test
  void shouldRefuseBadPatches() {
    String id = createSession("badpatch", "5");
    json().body("{}").patch("/abg/sessions/" + id).then().statusCode(400).body("errors[0].field", equalTo("body"));
    json().body("{\"cap_usd\":3,\"raise_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(400).body("errors[0].field", equalTo("raise_usd"));
    json().body("{\"raise_usd\":0}").patch("/abg/sessions/" + id).then().statusCode(400)
        .body("errors[0].message", containsString("more than 0"));
    json().body("{\"raise_usd\":-2}").patch("/abg/sessions/" + id).then().statusCode(400);
    json().body("{\"raise_usd\":\"2\"}").patch("/abg/sessions/" + id).then().statusCode(400).body("errors[0].message", containsString("got a string"));
    json().body("{\"raise_usd\":999994}").patch("/abg/sessions/" + id).then().statusCode(200).body("cap_usd", equalTo(999999));
    json().body("{\"raise_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(200).body("cap_usd", equalTo(1000000));
    // the resulting cap would pass the maximum: refused, not clamped
    json().body("{\"raise_usd\":0.000001}").patch("/abg/sessions/" + id).then().statusCode(400)
        .body("errors[0].field", equalTo("raise_usd")).body("errors[0].message", containsString("above the largest cap"));
    json().body("{\"raise_usd\":1,\"cap\":5}").patch("/abg/sessions/" + id).then().statusCode(400).body("errors[0].field", equalTo("cap"));
    given().contentType("text/plain").body("{\"raise_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(415);
    json().body("{raise_usd:1}").patch("/abg/sessions/" + id).then().statusCode(400).body("type", equalTo("urn:abg:problem:malformed-json"));
  }

  @Test
  void shouldResetAndClose() {
    String id = createSession("reset", "5");
    given().post("/abg/sessions/" + id + "/reset").then().statusCode(200).body("spent_usd", equalTo(0)).body("requests", equalTo(0))
        .body("cap_usd", equalTo(5));
    given().get("/abg/sessions/" + id).then().body("last_reset_at", not(nullValue()));
    given().post("/abg/sessions/" + id + "/close").then().statusCode(200).body("closed", equalTo(true)).body("state", equalTo("blocked"));
    // closing is idempotent and records one event only
    given().post("/abg/sessions/" + id + "/close").then().statusCode(200).body("closed", equalTo(true));
    given().get("/abg/events?session=" + id + "&kind=closed").then().body("items", hasSize(1));
    // a closed session accepts a label, nothing else
    json().body("{\"label\":\"done\"}").patch("/abg/sessions/" + id).then().statusCode(200).body("label", equalTo("done"));
    json().body("{\"raise_usd\":1,\"label\":\"more\"}").patch("/abg/sessions/" + id).then().statusCode(409).contentType(PROBLEM_JSON)
        .body("type", equalTo("urn:abg:problem:session-closed"));
    json().body("{\"cap_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(409);
    given().post("/abg/sessions/" + id + "/reset").then().statusCode(409).body("type", equalTo("urn:abg:problem:session-closed"));
    given().get("/abg/sessions/" + id).then().body("label", equalTo("done"));
    json().body("{\"id\":\"" + id + "\"}").post("/abg/sessions").then().statusCode(409).body("type", equalTo("urn:abg:problem:session-exists"));
    JsonPath reset = given().get("/abg/events?session=" + id + "&kind=reset").then().extract().jsonPath();
    assertEquals(0, reset.getInt("items[0].detail.spent_before_usd"));
    assertNull(reset.get("next_cursor"));
  }
}
