package dev.abg.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;

import dev.abg.testing.AgentRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/** With {@code admin_token} set: every /abg and /q call needs the token; the proxy routes never do. */
@QuarkusTest
@TestProfile(AdminTokenProfile.class)
class AdminAuthTests {

  private static final List<String[]> CALLS = List.of(
      new String[] {"GET", "/abg/status"},
      new String[] {"GET", "/abg/sessions"},
      new String[] {"POST", "/abg/sessions"},
      new String[] {"GET", "/abg/sessions/some-session"},
      new String[] {"PATCH", "/abg/sessions/some-session"},
      new String[] {"POST", "/abg/sessions/some-session/reset"},
      new String[] {"POST", "/abg/sessions/some-session/close"},
      new String[] {"GET", "/abg/events"},
      new String[] {"GET", "/abg/budgets"},
      new String[] {"PUT", "/abg/budgets"},
      new String[] {"GET", "/abg/requests"},
      new String[] {"GET", "/abg/export"},
      new String[] {"GET", "/abg/pricing"},
      new String[] {"GET", "/abg/no-such-thing"});

  @Test
  void shouldRefuseEveryAdminCallWithoutToken() {
    for (String[] call : CALLS) {
      send(given().contentType("application/json").body("{}"), call)
          .then().statusCode(401)
          .contentType("application/problem+json")
          .header("WWW-Authenticate", "Bearer realm=\"abg\"")
          .body("type", equalTo("urn:abg:problem:unauthorized"))
          .body("status", equalTo(401))
          .body("detail", containsString("Authorization: Bearer <admin_token>"))
          .body("instance", equalTo(call[1]));
    }
  }

  @Test
  void shouldAnswer401AsTheContractSays() {
    String spec = OpenApiContractTests.SPEC.toAbsolutePath().toUri().toString();
    OpenApiValidationFilter validation = new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(spec).build());
    given().filter(validation).get("/abg/status").then().statusCode(401);
    given().filter(validation).header("Authorization", "Bearer wrong-token-of-some-length").get("/abg/pricing").then().statusCode(401);
  }

  @Test
  void shouldRefuseWrongTokenAndOtherSchemes() {
    for (String header : List.of("Bearer wrong-token-of-some-length", "Bearer " + AdminTokenProfile.TOKEN + "x", "Bearer " + AdminTokenProfile.TOKEN.substring(1),
        "Basic " + AdminTokenProfile.TOKEN, AdminTokenProfile.TOKEN, "Bearer", "Bearer ")) {
      given().header("Authorization", header).get("/abg/status").then().statusCode(401).header("WWW-Authenticate", "Bearer realm=\"abg\"");
    }
  }

  @Test
  void shouldAcceptTheToken() {
    given().header("Authorization", "Bearer " + AdminTokenProfile.TOKEN).get("/abg/status").then().statusCode(200);
    given().header("Authorization", "bearer " + AdminTokenProfile.TOKEN).get("/abg/budgets").then().statusCode(200);
    // past authentication the usual answers follow
    given().header("Authorization", "Bearer " + AdminTokenProfile.TOKEN).get("/abg/sessions/nope-" + System.nanoTime()).then().statusCode(404);
  }

  @Test
  void shouldPutMetricsOpenApiAndSwaggerUiBehindTheToken() {
    for (String path : List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/", "/q/swagger-ui/index.html", "/q/no-such-page")) {
      given().get(path).then().statusCode(401).contentType("application/problem+json")
          .header("WWW-Authenticate", containsString("Basic realm=\"abg\""))
          .body("type", equalTo("urn:abg:problem:unauthorized"))
          .body("detail", containsString("no Authorization header"));
      given().header("Authorization", "Bearer wrong-token-of-some-length").get(path).then().statusCode(401)
          .body("detail", containsString("the token was wrong"));
    }
    String bearer = "Bearer " + AdminTokenProfile.TOKEN;
    given().header("Authorization", bearer).get("/q/openapi").then().statusCode(200).body(containsString("operationId: createSession"));
    given().header("Authorization", bearer).get("/q/metrics").then().statusCode(200).body(containsString("abg_today_spent_usd"));
    // a browser opening Swagger UI answers the Basic challenge: any user name, the token as the password
    given().auth().preemptive().basic("me", AdminTokenProfile.TOKEN).get("/q/swagger-ui/").then().statusCode(200);
    given().auth().preemptive().basic("me", "wrong-password-of-some-length").get("/q/swagger-ui/").then().statusCode(401);
  }

  @Test
  void shouldNeverAskTheProxyRoutesForTheToken() {
    given().get("/v1/models").then().statusCode(not(equalTo(401)));
    AgentRequest request = AgentRequest.anthropic("claude-sonnet-4-6").maxTokens(10).without("stream").prompt("hi").sessionInPath(AdminApi.uniqueId("noauth"));
    given().headers(request.headers()).body(request.body()).post(request.path()).then().statusCode(200);
  }

  private static io.restassured.response.Response send(RequestSpecification request, String[] call) {
    return request.request(call[0], call[1]);
  }
}
