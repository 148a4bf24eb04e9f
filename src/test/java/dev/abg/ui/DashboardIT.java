package dev.abg.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.vertx.core.json.JsonObject;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AdminClient;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/**
 * The dashboard at {@code /abg/ui} in Debian's headless Chromium (installed by {@code e2e/install-browser.sh}), driven by Selenium
 * through Debian's chromedriver, against the packaged proxy with an admin token: the page loads without the token and asks for it,
 * shows sessions created through the API with the numbers the API gives, and its raise button lifts a block.
 *
 * <p>A screenshot goes to {@code target/dashboard.png}; with {@code -Dabg.ui.screenshot=docs/dashboard.png} also there.
 */
@Timeout(180)
@PackagedProxy(adminToken = DashboardIT.TOKEN, config = {"session_budget_usd: 5", "daily_budget_usd: 20"})
class DashboardIT {

  static final String TOKEN = "it-admin-token-0123456789";
  static final String SONNET = "claude-sonnet-4-6";

  static FakeUpstream upstream;
  static AbgProcess abg;
  static AdminClient admin;
  static ChromeDriver browser;

  @BeforeAll
  static void start(AbgProcess proxy, AdminClient adminClient, FakeUpstream fake, @TempDir Path dir) {
    abg = proxy;
    admin = adminClient;
    upstream = fake;

    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("chromium-profile"),
        "--window-size=1280,1500", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void shouldShowTheSessionsNumbersAndLiftABlockWithItsRaiseButton() throws IOException {
    // A blocked session with a climb to its cap, one past its warning, and one well within: requests of growing size
    admin.createSession("bugfix-login", "0.3", "Fix login redirect loop");
    admin.createSession("refactor-api", "1", null);
    admin.createSession("docs-pass", "2", "README pass");
    spend("docs-pass", 3, 4_000, 300);
    spend("refactor-api", 9, 20_000, 1_200);
    int sent = 0;
    while (admin.claudeRequest("bugfix-login", SONNET) == 200 && sent++ < 30) {
      upstream.config().anthropicUsage(6_000L + 2_000L * sent, 0, 0, 20_000, 400L + 60L * sent);
    }
    int rows = sent + 1; // the allowed requests and the blocked one
    assertEquals("blocked", admin.session("bugfix-login").getString("state"));
    assertEquals("warn", admin.session("refactor-api").getString("state"));

    // The page loads without the token (the static files are outside the admin API's auth), then asks for it
    browser.get(abg.baseUrl() + "/abg/ui");
    assertEquals(abg.baseUrl() + "/abg/ui/", browser.getCurrentUrl());
    WebElement tokenInput = waitFor(By.cssSelector("#token-dialog[open] #token-input"));
    tokenInput.sendKeys(TOKEN);
    browser.findElement(By.id("token-submit")).click();
    waitUntil(() -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-loaded")), "the dashboard loaded its data");

    // The numbers are the API's
    JsonObject status = admin.json("GET", "/abg/status", null);
    waitUntil(() -> text("#today-spend").equals(usd(status.getValue("today_total_usd"))), "today's spend " + status.getValue("today_total_usd"));
    assertEquals("$20.00 daily cap", text("#today-cap"));
    JsonObject blocked = admin.session("bugfix-login");
    assertRow("bugfix-login", "blocked", usd(blocked.getValue("spent_usd")), "$0.30", pct(blocked));
    JsonObject warn = admin.session("refactor-api");
    assertRow("refactor-api", "warn", usd(warn.getValue("spent_usd")), "$1.00", pct(warn));
    JsonObject active = admin.session("docs-pass");
    assertRow("docs-pass", "active", usd(active.getValue("spent_usd")), "$2.00", pct(active));
    assertEquals("Fix login redirect loop", row("bugfix-login").findElement(By.cssSelector(".slabel")).getText());

    // The selected session's chart and requests, and the latest requests of all
    row("bugfix-login").click();
    waitUntil(() -> text("#detail-id").equals("bugfix-login") && browser.findElements(By.cssSelector("#chart svg circle")).size() == rows,
        "the chart of bugfix-login has one point per ledger row");
    assertTrue(browser.findElements(By.cssSelector("#chart svg line.cap")).size() == 1, "the cap line");
    assertTrue(text("#detail-requests").contains("block"), "the blocked request is listed");
    assertTrue(browser.findElements(By.cssSelector("#requests tr")).size() >= 10, "latest requests");
    assertTrue(text("#requests").contains(SONNET), "with their model");
    screenshot();

    // Raise lifts the block
    row("bugfix-login").findElement(By.cssSelector("button.raise")).click();
    WebElement amount = waitFor(By.cssSelector("#raise-dialog[open] #raise-amount"));
    amount.clear();
    amount.sendKeys("1");
    browser.findElement(By.id("raise-submit")).click();
    waitUntil(() -> row("bugfix-login").findElement(By.cssSelector(".state")).getText().equalsIgnoreCase("active"), "bugfix-login is active again");
    assertEquals("$1.30", row("bugfix-login").findElement(By.cssSelector(".cap")).getText());
    assertEquals(1.3, admin.session("bugfix-login").getDouble("cap_usd"), 1e-9);
    assertEquals(200, admin.claudeRequest("bugfix-login", SONNET), "the next request passes");

    // Reset counts from zero
    row("refactor-api").findElement(By.cssSelector("button.reset")).click();
    waitFor(By.cssSelector("#reset-dialog[open] #reset-submit")).click();
    waitUntil(() -> row("refactor-api").findElement(By.cssSelector(".spent")).getText().equals("$0.00"), "refactor-api reset");
    assertEquals("active", admin.session("refactor-api").getString("state"));
  }

  private static void spend(String session, int requests, long input, long output) {
    for (int i = 0; i < requests; i++) {
      upstream.config().anthropicUsage(input + 1_000L * i, 0, 0, 10_000, output + 50L * i);
      assertEquals(200, admin.claudeRequest(session, SONNET));
    }
  }

  private static void assertRow(String session, String state, String spent, String cap, String pct) {
    waitUntil(() -> row(session).findElement(By.cssSelector(".spent")).getText().equals(spent), session + " shows " + spent);
    WebElement row = row(session);
    assertEquals(state, row.findElement(By.cssSelector(".state")).getText().toLowerCase());
    assertEquals(cap, row.findElement(By.cssSelector(".cap")).getText());
    assertEquals("(" + pct + ")", row.findElement(By.cssSelector(".spend-text .pct")).getText());
    assertTrue(row.getDomAttribute("class").contains("state-" + state), "the row is colored by its state");
  }

  private static WebElement row(String session) {
    return browser.findElement(By.cssSelector("tr[data-session='" + session + "']"));
  }

  private static String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst()
        .orElse(null));
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
    new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(what).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> condition.getAsBoolean());
  }

  /** Half-up to the cent, as the dashboard shows money. */
  private static String usd(Object v) {
    return "$" + new BigDecimal(v.toString()).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static String pct(JsonObject s) {
    BigDecimal p = new BigDecimal(s.getValue("spent_usd").toString()).multiply(BigDecimal.valueOf(100))
        .divide(new BigDecimal(s.getValue("cap_usd").toString()), 0, RoundingMode.HALF_UP);
    return p + "%";
  }

  private static void screenshot() throws IOException {
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "dashboard.png");
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    String extra = System.getProperty("abg.ui.screenshot");
    if (extra != null && !extra.isBlank()) {
      Files.copy(shot, Path.of(extra), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.deleteIfExists(shot);
  }
}
