package dev.abg.admin;

import static dev.abg.admin.AdminApi.PROBLEM_JSON;
import static dev.abg.admin.AdminApi.createSession;
import static dev.abg.admin.AdminApi.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.ledger.LedgerStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class BudgetsAndStatusTests {

  @Inject
  LedgerStore store;

  @Test
  void shouldReplaceBudgetsAtRuntimeAndAuditTheChange() {
    String original = given().get("/abg/budgets").then().statusCode(200)
        .body("session_budget_usd", equalTo(5)).body("daily_budget_usd", equalTo(20)).body("warn_at", equalTo(0.8f))
        .body("block_on_limit", equalTo(true)).body("source", equalTo("config"))
        .extract().asString();
    String defaultCap = createSession("follows-default", null);
    String ownCap = createSession("own-cap", "2");
    try {
      json().body("{\"session_budget_usd\":7.5,\"daily_budget_usd\":30,\"warn_at\":0.9,\"block_on_limit\":false}").put("/abg/budgets")
          .then().statusCode(200).body("session_budget_usd", equalTo(7.5f)).body("daily_budget_usd", equalTo(30)).body("source", equalTo("api"));
      given().get("/abg/budgets").then().body("session_budget_usd", equalTo(7.5f)).body("block_on_limit", equalTo(false));
      given().get("/abg/sessions/" + defaultCap).then().body("cap_usd", equalTo(7.5f));
      given().get("/abg/sessions/" + ownCap).then().body("cap_usd", equalTo(2));
      given().get("/abg/status").then().body("session_budget_usd", equalTo(7.5f)).body("daily_cap_usd", equalTo(30)).body("block_on_limit", equalTo(false));
      given().get("/abg/events?kind=budgets_changed&limit=1").then().statusCode(200)
          .body("items[0].session_id", nullValue())
          .body("items[0].source", equalTo("api"))
          .body("items[0].detail.old.session_budget_usd", equalTo(5))
          .body("items[0].detail.new.session_budget_usd", equalTo(7.5f))
          .body("items[0].detail.new.block_on_limit", equalTo(false));
      // null: no daily budget at all
      json().body("{\"session_budget_usd\":5,\"daily_budget_usd\":null,\"warn_at\":0.8,\"block_on_limit\":true}").put("/abg/budgets")
          .then().statusCode(200).body("daily_budget_usd", nullValue());
      given().get("/abg/status").then().body("daily_cap_usd", nullValue()).body("today_remaining_usd", nullValue()).body("daily_state", equalTo("active"));
    } finally {
      json().body("{\"session_budget_usd\":5,\"daily_budget_usd\":20,\"warn_at\":0.8,\"block_on_limit\":true}").put("/abg/budgets").then().statusCode(200);
    }
    given().get("/abg/budgets").then().body("source", equalTo("config"));
    assertEquals(original, given().get("/abg/budgets").then().extract().asString());
  }

  @Test
  void shouldRefuseBadBudgets() {
    json().body("{\"session_budget_usd\":5}").put("/abg/budgets").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("errors.field", equalTo(List.of("daily_budget_usd", "warn_at", "block_on_limit")))
        .body("errors[0].message", containsString("is required"));
    json().body("{\"session_budget_usd\":-5,\"daily_budget_usd\":\"20\",\"warn_at\":0,\"block_on_limit\":\"true\",\"warn\":1}").put("/abg/budgets")
        .then().statusCode(400)
        .body("errors.field", equalTo(List.of("warn", "session_budget_usd", "daily_budget_usd", "warn_at", "block_on_limit")));
    json().body("{\"session_budget_usd\":5,\"daily_budget_usd\":20,\"warn_at\":1.5,\"block_on_limit\":true}").put("/abg/budgets")
        .then().statusCode(400).body("errors[0].field", equalTo("warn_at"));
    json().body("{\"session_budget_usd\":5,\"daily_budget_usd\":1e9,\"warn_at\":0.8,\"block_on_limit\":true}").put("/abg/budgets")
        .then().statusCode(400).body("errors[0].field", equalTo("daily_budget_usd"));
    given().contentType("text/plain").body("x").put("/abg/budgets").then().statusCode(415);
    json().body("{\"session_budget_usd\":5,").put("/abg/budgets").then().statusCode(400).body("type", equalTo("urn:abg:problem:malformed-json"));
    given().get("/abg/budgets").then().body("session_budget_usd", equalTo(5)).body("source", equalTo("config"));
  }

  @Test
  void shouldKeepTheSeedStatusShapeAndAddBudgetsAndWarnings() throws Exception {
    String blocked = createSession("status-zero", "0");
    String fresh = createSession("status-fresh", "3");
    JsonPath status = given().get("/abg/status").then().statusCode(200).contentType("application/json")
        .body("sessions", hasKey(fresh))
        .body("sessions." + quoted(fresh), equalTo(0))
        .body("today_total_usd", instanceOf(Number.class))
        .body("session_budgets." + quoted(fresh) + ".cap_usd", equalTo(3))
        .body("session_budgets." + quoted(fresh) + ".state", equalTo("active"))
        .body("session_budgets." + quoted(blocked) + ".state", equalTo("blocked"))
        .body("enforcement", equalTo("hard"))
        .body("daily_state", notNullValue())
        .body("warnings.session_id", hasItem(blocked))
        .extract().jsonPath();
    Map<String, Object> warning = status.getMap("warnings.find { it.session_id == '" + blocked + "' }");
    assertEquals("session_blocked", warning.get("code"));
    assertEquals("abg: session '" + blocked + "' reached its cap: $0.00 of $0.00. Raise it: abg raise " + blocked + " 1", warning.get("message"));
    // an unknown model seen today is a warning too
    ZoneId zone = ZoneId.of(status.getString("timezone"));
    String id = createSession("status-unknown", null);
    LedgerRows.insert(store.dataSource(), id, 1, Instant.now(), 0, "claude-opus-9-9", true, zone);
    given().get("/abg/status").then().statusCode(200)
        .body("warnings.find { it.model == 'claude-opus-9-9' }.code", equalTo("unknown_model"))
        .body("warnings.find { it.model == 'claude-opus-9-9' }.message", containsString("priced as claude-sonnet-4-6"));
    assertNotNull(status.getString("date"));
  }

  private static String quoted(String key) {
    return "'" + key + "'";
  }
}
