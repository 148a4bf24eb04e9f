package dev.abg.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;


import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import com.atlassian.oai.validator.schema.SchemaValidator;

import dev.abg.spend.ledger.LedgerStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;

/**
 * Walks {@code openapi/admin-api.yaml}, the contract: every path and method of the spec is called, none answers 404 or 405,
 * and every request and response is checked against the spec's schemas (swagger-request-validator). Error answers are
 * called too (400, 404, 409, 415), their requests deliberately wrong, so only their responses are checked.
 */
@QuarkusTest
class OpenApiContractTests {

  static final Path SPEC = Path.of("openapi", "admin-api.yaml");

  private static OpenAPI spec;
  private static OpenApiValidationFilter strict;
  private static OpenApiValidationFilter responsesOnly;

  @Inject
  LedgerStore store;

  @BeforeAll
  static void loadSpec() {
    String location = SPEC.toAbsolutePath().toUri().toString();
    spec = new OpenAPIV3Parser().read(location);
    strict = new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(location).build());
    responsesOnly = new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(location)
        .withLevelResolver(LevelResolver.create().withLevel("validation.request", ValidationReport.Level.IGNORE).build()).build());
  }

  /** One call: its operation, whether its request follows the spec, and how to make it. */
  private record Call(String operationId, String name, boolean validRequest, Function<RequestSpecification, Response> send) {
  }

  @Test
  void shouldAnswerEveryOperationOfTheSpecAsTheSpecSays() throws Exception {
    String busy = AdminApi.createSession("spec-busy", "50");
    LedgerRows.insert(store.dataSource(), busy, 3, Instant.parse("2022-05-06T07:08:09Z"), 250, "claude-sonnet-4-6", false);
    String exported = AdminApi.createSession("spec-export", null);
    LedgerRows.insert(store.dataSource(), exported, 1, Instant.parse("2022-05-06T07:08:09Z"), 0, "claude-haiku-5-5", true);
    String toClose = AdminApi.createSession("spec-close", null);
    String closed = AdminApi.createSession("spec-closed", null);
    given().post("/abg/sessions/" + closed + "/close").then().statusCode(200);
    String unknown = AdminApi.uniqueId("spec-unknown");
    String budgets = given().get("/abg/budgets").then().statusCode(200).extract().asString()
        .replaceAll(",\"source\":\"[a-z]+\"", "");

    List<Call> calls = List.of(
        new Call("getStatus", "status", true, r -> r.get("/abg/status")),
        new Call("createSession", "generated id", true, r -> json(r).body("{\"label\":\"CI #1234 nightly refactor\",\"cap_usd\":3}").post("/abg/sessions")),
        new Call("createSession", "named", true, r -> json(r).body("{\"id\":\"" + AdminApi.uniqueId("spec-new") + "\",\"label\":null}").post("/abg/sessions")),
        new Call("createSession", "validation", false, r -> json(r).body("{\"id\":\"bug fix\",\"cap_usd\":1e12}").post("/abg/sessions")),
        new Call("createSession", "malformed", false, r -> json(r).body("{\"cap_usd\":}").post("/abg/sessions")),
        new Call("createSession", "exists", true, r -> json(r).body("{\"id\":\"" + busy + "\"}").post("/abg/sessions")),
        new Call("createSession", "media type", false, r -> r.contentType("text/plain").body("cap_usd=3").post("/abg/sessions")),
        new Call("listSessions", "page", true, r -> r.queryParam("limit", 2).get("/abg/sessions")),
        new Call("listSessions", "filtered", true, r -> r.queryParam("state", "active").queryParam("closed", false).queryParam("sort", "spend")
            .queryParam("order", "asc").get("/abg/sessions")),
        new Call("listSessions", "bad limit", false, r -> r.queryParam("limit", 0).get("/abg/sessions")),
        new Call("getSession", "busy", true, r -> r.get("/abg/sessions/" + busy)),
        new Call("getSession", "unknown", true, r -> r.get("/abg/sessions/" + unknown)),
        new Call("getSession", "bad id", false, r -> r.get("/abg/sessions/{id}", "bug fix")),
        new Call("updateSession", "raise", true, r -> json(r).body("{\"raise_usd\":2}").patch("/abg/sessions/" + busy)),
        new Call("updateSession", "set cap and label", true, r -> json(r).body("{\"cap_usd\":10,\"label\":\"part 2\"}").patch("/abg/sessions/" + busy)),
        new Call("updateSession", "both", false, r -> json(r).body("{\"cap_usd\":10,\"raise_usd\":1}").patch("/abg/sessions/" + busy)),
        new Call("updateSession", "closed", true, r -> json(r).body("{\"raise_usd\":1}").patch("/abg/sessions/" + closed)),
        new Call("updateSession", "unknown", true, r -> json(r).body("{\"raise_usd\":1}").patch("/abg/sessions/" + unknown)),
        new Call("updateSession", "media type", false, r -> r.contentType("text/plain").body("x").patch("/abg/sessions/" + busy)),
        new Call("resetSession", "reset", true, r -> r.post("/abg/sessions/" + busy + "/reset")),
        new Call("resetSession", "closed", true, r -> r.post("/abg/sessions/" + closed + "/reset")),
        new Call("resetSession", "unknown", true, r -> r.post("/abg/sessions/" + unknown + "/reset")),
        new Call("closeSession", "close", true, r -> r.post("/abg/sessions/" + toClose + "/close")),
        new Call("closeSession", "again", true, r -> r.post("/abg/sessions/" + toClose + "/close")),
        new Call("closeSession", "unknown", true, r -> r.post("/abg/sessions/" + unknown + "/close")),
        new Call("listEvents", "session", true, r -> r.queryParam("session", busy).queryParam("limit", 2).get("/abg/events")),
        new Call("listEvents", "all kinds", true, r -> r.queryParam("since", "2020-01-01").queryParam("order", "asc").get("/abg/events")),
        new Call("listEvents", "unknown session", true, r -> r.queryParam("session", unknown).get("/abg/events")),
        new Call("listEvents", "bad kind", false, r -> r.queryParam("kind", "deleted").get("/abg/events")),
        new Call("getBudgets", "budgets", true, r -> r.get("/abg/budgets")),
        new Call("replaceBudgets", "same values", true, r -> json(r).body(budgets).put("/abg/budgets")),
        new Call("replaceBudgets", "missing", false, r -> json(r).body("{\"warn_at\":2}").put("/abg/budgets")),
        new Call("replaceBudgets", "media type", false, r -> r.contentType("text/plain").body("x").put("/abg/budgets")),
        new Call("listRequests", "page", true, r -> r.queryParam("session", busy).queryParam("limit", 2).get("/abg/requests")),
        new Call("listRequests", "time", true, r -> r.queryParam("since", "2022-05-06T07:08:09Z").queryParam("until", "2022-05-07").get("/abg/requests")),
        new Call("listRequests", "unknown session", true, r -> r.queryParam("session", unknown).get("/abg/requests")),
        new Call("listRequests", "bad cursor", true, r -> r.queryParam("cursor", "nope").get("/abg/requests")),
        new Call("exportLedger", "one line", true, r -> r.queryParam("session", exported).get("/abg/export")),
        new Call("exportLedger", "unknown session", true, r -> r.queryParam("session", unknown).get("/abg/export")),
        new Call("exportLedger", "bad since", false, r -> r.queryParam("since", "yesterday").get("/abg/export")),
        new Call("exportLedger", "repriced", true, r -> r.queryParam("session", exported).queryParam("reprice", "true").get("/abg/export")),
        new Call("getPricing", "pricing", true, r -> r.get("/abg/pricing")),
        new Call("checkPrice", "known", true, r -> r.queryParam("model", "claude-opus-5-5").get("/abg/pricing/check")),
        new Call("checkPrice", "fallback", true, r -> r.queryParam("model", "gpt-7").queryParam("provider", "openai").get("/abg/pricing/check")),
        new Call("checkPrice", "no model", false, r -> r.get("/abg/pricing/check")));

    Map<String, List<String>> problems = new LinkedHashMap<>();
    TreeSet<String> called = new TreeSet<>();
    for (Call call : calls) {
      String label = call.operationId() + " (" + call.name() + ")";
      try {
        Response response = call.send().apply(given().filter(call.validRequest() ? strict : responsesOnly));
        int status = response.statusCode();
        if (String.valueOf(response.contentType()).startsWith("application/x-ndjson")) {
          problems.computeIfAbsent(label, k -> new ArrayList<>()).addAll(ndjsonProblems(response.asString()));
        }
        if (status == 404 && !call.name().contains("unknown") || status == 405 || status >= 500) {
          problems.computeIfAbsent(label, k -> new ArrayList<>()).add("answered " + status + ": " + response.asString());
        }
        called.add(call.operationId());
      } catch (OpenApiValidationFilter.OpenApiValidationException e) {
        problems.computeIfAbsent(label, k -> new ArrayList<>()).add(e.getMessage());
        called.add(call.operationId());
      }
    }
    problems.values().removeIf(List::isEmpty);
    assertTrue(problems.isEmpty(), "answers that break the contract:\n" + format(problems));
    assertEquals(operationIds(), called, "every operation of the spec is called");
  }

  @Test
  void shouldServeTheContractAtQOpenapi() {
    OpenAPI served = new OpenAPIV3Parser().readContents(given().get("/q/openapi").then().statusCode(200).extract().asString()).getOpenAPI();
    TreeSet<String> servedIds = new TreeSet<>();
    served.getPaths().values().forEach(p -> p.readOperations().forEach(o -> servedIds.add(o.getOperationId())));
    assertEquals(operationIds(), servedIds);
    given().get("/q/swagger-ui/").then().statusCode(200);
  }

  @Test
  void shouldUseTheSessionIdRuleOfTheContract() {
    String pattern = spec.getComponents().getSchemas().get("SessionId").getPattern();
    assertEquals("^" + SessionIds.VALID.pattern() + "$", pattern);
  }

  /**
   * The validator checks JSON bodies only, and an NDJSON body is many JSON documents: each line is checked against the
   * schema the spec gives for the export's lines.
   */
  private static List<String> ndjsonProblems(String body) {
    List<String> out = new ArrayList<>();
    if (!body.isEmpty() && !body.endsWith("\n")) {
      out.add("the last line does not end with a newline");
    }
    Schema<?> line = spec.getPaths().get("/abg/export").getGet().getResponses().get("200").getContent().get("application/x-ndjson").getSchema();
    SchemaValidator validator = new SchemaValidator(spec, new MessageResolver());
    for (String text : body.split("\n")) {
      if (text.isEmpty()) {
        continue;
      }
      ValidationReport report = validator.validate(text, line, "response.body");
      report.getMessages().forEach(m -> out.add("line " + text + ": " + m.getMessage()));
    }
    if (body.isEmpty()) {
      out.add("no line to check: the walk should export a session with a row");
    }
    return out;
  }

  private static TreeSet<String> operationIds() {
    TreeSet<String> ids = new TreeSet<>();
    for (Map.Entry<String, PathItem> path : spec.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
        ids.add(op.getValue().getOperationId());
      }
    }
    return ids;
  }

  private static RequestSpecification json(RequestSpecification r) {
    return r.contentType("application/json");
  }

  private static String format(Map<String, List<String>> problems) {
    StringBuilder out = new StringBuilder();
    problems.forEach((call, messages) -> messages.forEach(m -> out.append("- ").append(call).append(": ").append(m).append('\n')));
    return out.toString();
  }
}
