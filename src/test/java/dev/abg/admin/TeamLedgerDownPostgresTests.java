package dev.abg.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.ledger.LedgerStore;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.RequiresPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Team mode when the shared ledger cannot decide (here its lease function is gone for a moment): the agent gets a clear
 * 503 in its provider's shape, nothing goes upstream, and the next request after the database is back passes. The admin
 * API answers a 503 problem+json while it cannot read the ledger (here its sessions table is gone for a moment).
 */
@QuarkusTest
@TestProfile(PostgresProfile.WithAdminToken.class)
@RequiresPostgres
class TeamLedgerDownPostgresTests {

  private static final AgentRequest MESSAGE = AgentRequest.anthropic("claude-sonnet-4-6").maxTokens(64).without("stream").prompt("hi");

  @Inject
  LedgerStore store;

  private static Response proxied(String session) {
    AgentRequest request = MESSAGE.copy().sessionInPath(session);
    return given().headers(request.headers()).body(request.body()).post(request.path());
  }

  private void sql(String statement) throws Exception {
    try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void shouldAnswer503WithoutCallingTheUpstreamWhileTheSharedLedgerCannotDecide() throws Exception {
    String id = AdminApi.uniqueId("ledger-down");
    int upstreamBefore = FakeAnthropic.MESSAGES.get();
    sql("ALTER FUNCTION abg_take_lease(TEXT, TEXT, TEXT, TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT) RENAME TO abg_take_lease_away");
    try {
      proxied(id).then().statusCode(503)
          .body("type", equalTo("error"))
          .body("error.type", equalTo("api_error"))
          .body("error.message", containsString("abg: the shared ledger cannot decide on this request now"))
          .body("error.message", containsString("nothing was sent upstream"));
      assertEquals(upstreamBefore, FakeAnthropic.MESSAGES.get(), "no decision, no upstream call");
    } finally {
      sql("ALTER FUNCTION abg_take_lease_away(TEXT, TEXT, TEXT, TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT) RENAME TO abg_take_lease");
    }
    proxied(id).then().statusCode(200);
    assertEquals(upstreamBefore + 1, FakeAnthropic.MESSAGES.get());
  }

  @Test
  void shouldAnswer503ProblemJsonFromTheAdminApiWhileTheSharedLedgerIsDown() throws Exception {
    String id = AdminApi.uniqueId("admin-down");
    proxied(id).then().statusCode(200);
    String auth = "Bearer " + AdminTokenProfile.TOKEN;
    sql("ALTER TABLE sessions RENAME TO sessions_away");
    try {
      // the status still answers, from this instance's books, so that it can say what is wrong (issue 19); the reads that
      // need the shared database say it is away
      given().header("Authorization", auth).get("/abg/status").then().statusCode(200).body("sessions", org.hamcrest.Matchers.hasKey(id));
      for (String path : new String[] {"/abg/sessions", "/abg/sessions/" + id}) {
        given().header("Authorization", auth).get(path).then().statusCode(503)
            .contentType("application/problem+json")
            .header("Retry-After", "5")
            .body("type", equalTo("urn:abg:problem:ledger-unavailable"))
            .body("status", equalTo(503))
            .body("detail", containsString("PostgreSQL is down or out of reach"))
            .body("instance", equalTo(path));
      }
    } finally {
      sql("ALTER TABLE sessions_away RENAME TO sessions");
    }
    given().header("Authorization", auth).get("/abg/sessions/" + id).then().statusCode(200).body("id", equalTo(id));
  }
}
