package dev.abg.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.abg.testing.AgentRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Raise-and-resume end to end, through the real proxy and a fake upstream: a session with a tiny cap spends past it, its
 * next request is blocked with 402, a PATCH raises it, and the very next proxied request passes and is in the ledger.
 * Runs with {@code admin_token} set, which also shows that the proxy route never asks for it.
 */
@QuarkusTest
@TestProfile(AdminTokenProfile.class)
class RaiseAndResumeTests {

  private static final AgentRequest MESSAGE = AgentRequest.anthropic("claude-sonnet-4-6").maxTokens(64).without("stream").prompt("hi");

  private static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + AdminTokenProfile.TOKEN).contentType("application/json");
  }

  private static Response proxied(String session) {
    AgentRequest request = MESSAGE.copy().sessionInPath(session);
    return given().headers(request.headers()).body(request.body()).post(request.path());
  }

  @Test
  void shouldLetTheVeryNextRequestPassAfterRaise() {
    String id = AdminApi.uniqueId("raise");
    admin().body("{\"id\":\"" + id + "\",\"cap_usd\":0.01}").post("/abg/sessions").then().statusCode(201);

    // the first request is admitted (nothing spent yet) and spends past the $0.01 cap
    proxied(id).then().statusCode(200);
    admin().get("/abg/sessions/" + id).then().statusCode(200)
        .body("state", equalTo("blocked")).body("requests", equalTo(1)).body("remaining_usd", equalTo(0));

    // the next one is blocked before it reaches the upstream
    int upstreamBefore = FakeAnthropic.MESSAGES.get();
    proxied(id).then().statusCode(402)
        .header("x-should-retry", "false")
        .body("error.type", equalTo("billing_error"))
        .body("error.message", containsString("session '" + id + "' reached its cap"));
    assertEquals(upstreamBefore, FakeAnthropic.MESSAGES.get(), "a blocked request must not reach the upstream");

    // raise-and-resume
    admin().body("{\"raise_usd\":1}").patch("/abg/sessions/" + id).then().statusCode(200)
        .body("cap_usd", equalTo(1.01f)).body("state", equalTo("active"));

    // the very next proxied request passes, and is recorded
    proxied(id).then().statusCode(200);
    assertEquals(upstreamBefore + 1, FakeAnthropic.MESSAGES.get());
    admin().get("/abg/requests?session=" + id + "&order=asc").then().statusCode(200)
        .body("items", hasSize(3))
        .body("items.action", equalTo(java.util.List.of("warn", "block", "allow")))
        .body("items[2].session_id", equalTo(id))
        .body("items[2].model", equalTo("claude-sonnet-4-6"))
        .body("items[2].input_tokens", equalTo(1000))
        .body("items[2].output_tokens", equalTo(1000))
        .body("items[2].cost_usd", equalTo(0.018f))
        .body("items[2].upstream_status", equalTo(200))
        .body("items[1].cost_usd", equalTo(0))
        .body("items[1].upstream_status", org.hamcrest.Matchers.nullValue());
    admin().get("/abg/sessions/" + id).then().statusCode(200)
        .body("spent_usd", equalTo(0.036f))
        .body("requests", equalTo(3))
        .body("by_model[0].model", equalTo("claude-sonnet-4-6"))
        .body("by_model[0].requests", equalTo(3))
        .body("by_model[0].cost_usd", equalTo(0.036f))
        .body("lifetime_requests", equalTo(3));
    admin().get("/abg/events?session=" + id + "&kind=raised").then().statusCode(200)
        .body("items[0].detail.raise_usd", equalTo(1))
        .body("items[0].detail.old_cap_usd", equalTo(0.01f))
        .body("items[0].detail.new_cap_usd", equalTo(1.01f));
  }

  @Test
  void shouldRecordFirstSightSessionsAsCreatedByTheProxy() {
    String id = AdminApi.uniqueId("first-sight");
    proxied(id).then().statusCode(200);
    admin().get("/abg/events?session=" + id).then().statusCode(200)
        .body("items[0].kind", equalTo("session_created"))
        .body("items[0].source", equalTo("proxy"))
        .body("items[0].detail.cap_is_default", equalTo(true));
    admin().get("/abg/sessions/" + id).then().statusCode(200).body("requests", greaterThan(0));
  }
}
