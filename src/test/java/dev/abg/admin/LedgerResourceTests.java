package dev.abg.admin;

import static dev.abg.admin.AdminApi.PROBLEM_JSON;
import static dev.abg.admin.AdminApi.createSession;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.abg.spend.ledger.LedgerStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class LedgerResourceTests {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Rows at 10:00:00Z, 10:00:00.500Z, 10:00:01Z, ...: whole seconds print without a fraction, so their text sorts wrongly. */
  private static final Instant T0 = Instant.parse("2021-03-04T10:00:00Z");

  @Inject
  LedgerStore store;

  @Test
  void shouldPageRequestsNewestFirstWithCursor() throws Exception {
    String id = createSession("rows", null);
    LedgerRows.insert(store.dataSource(), id, 7, T0, 500, "claude-sonnet-4-6", false);
    List<Long> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var request = given().queryParam("session", id).queryParam("limit", 3);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      JsonPath page = request.get("/abg/requests").then().statusCode(200).contentType("application/json").extract().jsonPath();
      ids.addAll(page.getList("items.id", Long.class));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    assertEquals(7, ids.size());
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(ids.get(i) < ids.get(i - 1), "newest first: " + ids);
    }
    given().queryParam("session", id).queryParam("order", "asc").queryParam("limit", 1).get("/abg/requests").then().statusCode(200)
        .body("items[0].id", equalTo(ids.get(6).intValue()))
        .body("items[0].request_id", equalTo("req-0"))
        .body("items[0].ts", equalTo("2021-03-04T10:00:00Z"))
        .body("items[0].started_at", equalTo("2021-03-04T09:59:59.500Z"))
        .body("items[0].session_id", equalTo(id))
        .body("items[0].agent_id", equalTo("agent_sub"))
        .body("items[0].price_fallback", equalTo(false));
  }

  @Test
  void shouldFilterRequestsByInstantsWhateverTheirFractionDigits() throws Exception {
    String id = createSession("times", null);
    LedgerRows.insert(store.dataSource(), id, 6, T0, 500, "claude-sonnet-4-6", false);
    // rows end at :00, :00.5, :01, :01.5, :02, :02.5; [00.5, 01.5) holds two of them
    given().queryParam("session", id).queryParam("since", "2021-03-04T10:00:00.5Z").queryParam("until", "2021-03-04T10:00:01.5Z")
        .queryParam("order", "asc").get("/abg/requests").then().statusCode(200)
        .body("items.request_id", equalTo(List.of("req-1", "req-2")));
    // any offset, and the minutes-only form
    given().queryParam("session", id).queryParam("since", "2021-03-04T11:00:01+01:00").get("/abg/requests").then().statusCode(200)
        .body("items", hasSize(4));
    given().queryParam("session", id).queryParam("until", "2021-03-04T10:00Z").get("/abg/requests").then().statusCode(200).body("items", hasSize(0));
    // dates are whole days in the configured time zone: the days around cover everything
    given().queryParam("session", id).queryParam("since", "2021-03-03").queryParam("until", "2021-03-05").get("/abg/requests").then().statusCode(200)
        .body("items", hasSize(6));
    given().queryParam("session", id).queryParam("since", "2021-03-06").get("/abg/requests").then().statusCode(200).body("items", hasSize(0));
  }

  @Test
  void shouldRefuseBadLedgerParameters() {
    given().get("/abg/requests?since=yesterday&until=2021-02-30&limit=1000&session=bad%20id").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("errors.field", equalTo(List.of("session", "since", "until", "limit")))
        .body("errors[3].message", equalTo("must be a whole number between 1 and 500; got '1000'"));
    given().get("/abg/requests?since=2021-03-05&until=2021-03-03").then().statusCode(400).body("errors[0].field", equalTo("until"));
    given().get("/abg/export?since=2021-03-05T00:00:00Z&until=2021-03-04T23:59:59Z").then().statusCode(400).contentType(PROBLEM_JSON)
        .body("errors[0].field", equalTo("until"));
    given().get("/abg/requests?cursor=eyJmIjoiMDAwMDAwMDAwMDAwMDAwMCIsImsiOiIiLCJpIjoiMSJ9").then().statusCode(400)
        .body("errors[0].field", equalTo("cursor"));
  }

  @Test
  void shouldExportJsonLinesOldestFirstInTheLedgerFormat() throws Exception {
    String id = createSession("export", null);
    LedgerRows.insert(store.dataSource(), id, 5, T0, 500, "claude-haiku-5-5", true);
    var response = given().queryParam("session", id).get("/abg/export").then().statusCode(200)
        .contentType("application/x-ndjson")
        .header("Content-Disposition", containsString("abg-ledger.jsonl"))
        .extract().asString();
    assertTrue(response.endsWith("\n"));
    String[] lines = response.split("\n");
    assertEquals(5, lines.length);
    for (int n = 0; n < lines.length; n++) {
      JsonNode line = JSON.readTree(lines[n]);
      assertEquals("req-" + n, line.get("request_id").asText());
      assertEquals(id, line.get("session_id").asText());
      assertEquals(T0.plusMillis(500L * n).toString(), line.get("ts").asText());
      assertEquals("claude-sonnet-4-6", line.get("priced_as").asText());
      assertTrue(line.get("price_fallback").asBoolean());
    }
    // the seed's fields first, in the seed's order
    List<String> names = new ArrayList<>();
    JSON.readTree(lines[0]).fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("ts", "session_id", "model", "input_tokens", "output_tokens", "cost_usd", "session_total_usd", "action"),
        names.stream().filter(List.of("ts", "session_id", "model", "input_tokens", "output_tokens", "cost_usd", "session_total_usd", "action")::contains)
            .toList());
    String filtered = given().queryParam("session", id).queryParam("since", "2021-03-04T10:00:01Z").get("/abg/export").then().statusCode(200)
        .extract().asString();
    assertEquals(3, filtered.split("\n").length);
    assertEquals("", given().queryParam("session", id).queryParam("since", "2030-01-01").get("/abg/export").then().statusCode(200).extract().asString());
  }

  @Test
  void shouldBreakSessionSpendDownByModelAndAgentSinceReset() throws Exception {
    String id = createSession("breakdown", null);
    LedgerRows.insert(store.dataSource(), id, 4, T0, 1000, "claude-sonnet-4-6", false);
    LedgerRows.insert(store.dataSource(), id, 2, T0, 1000, "gpt-5.5", false);
    JsonPath detail = given().get("/abg/sessions/" + id).then().statusCode(200).extract().jsonPath();
    // rows cost 0+1+2+3 and 0+1 micro-dollars; every third row is agent_sub's
    assertEquals(List.of("claude-sonnet-4-6", "gpt-5.5"), detail.getList("by_model.model"));
    assertEquals(List.of(4, 2), detail.getList("by_model.requests"));
    assertEquals(0.000006f, detail.getFloat("by_model[0].cost_usd"));
    assertEquals(100 + 101 + 102 + 103, detail.getInt("by_model[0].input_tokens"));
    assertEquals(List.of(3, 3), detail.getList("by_agent.requests"));
    assertEquals(6, detail.getInt("requests"));
    assertEquals(6, detail.getInt("lifetime_requests"));
    assertEquals(0.000007f, detail.getFloat("lifetime_spent_usd"));
    given().post("/abg/sessions/" + id + "/reset").then().statusCode(200).body("requests", equalTo(0));
    given().get("/abg/sessions/" + id).then().statusCode(200)
        .body("by_model", hasSize(0)).body("requests", equalTo(0)).body("lifetime_requests", equalTo(6))
        .body("last_reset_at", org.hamcrest.Matchers.notNullValue());
    JsonPath listed = given().get("/abg/sessions?limit=500").then().statusCode(200).extract().jsonPath();
    assertEquals(0, (int) listed.getInt("items.find { it.id == '" + id + "' }.requests"));
    assertNull(listed.get("items.find { it.id == 'no-such' }"));
  }

  @Test
  void shouldListUnknownModelsInPricing() throws Exception {
    String id = createSession("fallback", null);
    LedgerRows.insert(store.dataSource(), id, 1, T0, 0, "claude-sonnet-9-9", true);
    given().get("/abg/pricing").then().statusCode(200)
        .body("currency", equalTo("USD"))
        .body("unit", equalTo("per_million_tokens"))
        .body("version", equalTo(given().get("/abg/status").then().extract().path("price_version")))
        .body("fallbacks.find { it.model == 'claude-sonnet-9-9' }.priced_as", equalTo("claude-sonnet-4-6"))
        .body("models.find { it.model == 'claude-sonnet-4-6' }.input", equalTo(3))
        .body("models.find { it.model == 'claude-sonnet-4-6' }.output", equalTo(15))
        .body("models.find { it.model == 'claude-sonnet-4-6' }.cache_write_5m", equalTo(3.75f))
        .body("models.find { it.model == 'claude-sonnet-4-6' }.source", equalTo("builtin"))
        .body("models.find { it.model == 'gpt-5.5' }.tier.threshold_tokens", equalTo(272000))
        .body("models.find { it.model == 'gpt-5.5' }.cache_write_5m", nullValue());
    List<String> providers = given().get("/abg/pricing").then().extract().jsonPath().getList("models.provider");
    assertEquals(providers.stream().sorted().toList(), providers);
    given().get("/abg/pricing").then().statusCode(200)
        .body("models.find { it.model == 'claude-opus-5-5' }.variants", equalTo(List.of("fast")))
        .body("models.find { it.model == 'gpt-6.2-sol' }.variants", equalTo(List.of("fast", "ultrafast", "ultrafast@2027-03-01")))
        .body("sources.builtin", equalTo("builtin-2026-12-04"))
        .body("sources.pricing_file", nullValue());
  }

  @Test
  void shouldSayHowAModelWouldBePricedAndWhy() {
    given().queryParam("model", "claude-opus-5-5").get("/abg/pricing/check").then().statusCode(200)
        .body("priced_as", equalTo("claude-opus-5-5")).body("fallback", equalTo(false)).body("reason", equalTo("exact"))
        .body("provider", equalTo("anthropic")).body("prices.input", equalTo(4)).body("prices.variants", equalTo(List.of("fast")));
    given().queryParam("model", "claude-opus-6").get("/abg/pricing/check").then().statusCode(200)
        .body("priced_as", equalTo("claude-opus-5-5")).body("fallback", equalTo(true)).body("reason", equalTo("newest of family claude-opus"));
    given().queryParam("model", "gpt-5.5-codex").get("/abg/pricing/check").then().statusCode(200)
        .body("provider", equalTo("openai")).body("priced_as", equalTo("gpt-5.5")).body("reason", equalTo("longest known prefix"));
    given().get("/abg/pricing/check").then().statusCode(400).body("errors[0].field", equalTo("model"));
    given().queryParam("model", "x").queryParam("provider", "gemini").get("/abg/pricing/check").then().statusCode(400)
        .body("errors[0].field", equalTo("provider"));
  }

  @Test
  void shouldRepriceTheExportUnderTheTableInForce() throws Exception {
    String id = createSession("reprice", null);
    // a row charged $0 (say, under a table that lacked the model) for 100 input and 10 output tokens of claude-sonnet-4-6
    LedgerRows.insert(store.dataSource(), id, 1, T0, 0, "claude-sonnet-4-6", false);
    String line = given().queryParam("session", id).queryParam("reprice", "true").get("/abg/export").then().statusCode(200).extract().asString().trim();
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(line);
    assertEquals(0.0, json.getDouble("cost_usd"), 1e-12, "what was charged stays");
    // under the table in force: 100 × $3 + 10 × $15 per MTok = 450 µ$
    assertEquals(0.00045, json.getDouble("repriced_cost_usd"), 1e-12);
    assertEquals("claude-sonnet-4-6", json.getString("repriced_priced_as"));
    assertEquals("builtin-2026-12-04", json.getString("repriced_price_version"));
    String plain = given().queryParam("session", id).get("/abg/export").then().statusCode(200).extract().asString();
    assertTrue(!plain.contains("repriced"), plain);
    given().queryParam("reprice", "yes").get("/abg/export").then().statusCode(400);
  }
}
