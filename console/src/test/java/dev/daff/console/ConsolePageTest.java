package dev.daff.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.daff.console.StandInServices.Reply;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console's page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), against
 * stand-ins for the three services that answer what each test says: what a person sees when a service fails, is slow,
 * answers a long list, or refuses the token. Skipped, saying why, only where no chromium is installed (and never with
 * {@code DAFF_CONSOLE_REQUIRE_BROWSER=true}).
 */
@QuarkusTest
@WithTestResource(StandInServices.class)
class ConsolePageTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String ALICE = jwt("alice");

    static WebDriver browser;

    @TestHTTPResource("/")
    URI root;

    static Optional<Path> executable(String... candidates) {
        return List.of(candidates).stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @BeforeAll
    static void startABrowser() {
        Optional<Path> chromium = executable("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium");
        Optional<Path> chromedriver = executable("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        String missing = "no chromium and chromedriver installed (Debian: apt-get install chromium chromium-driver)";
        if ("true".equals(System.getenv("DAFF_CONSOLE_REQUIRE_BROWSER"))) {
            assertThat(missing, chromium.isPresent() && chromedriver.isPresent(), equalTo(true));
        }
        Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(), "ConsolePageTest skipped: " + missing);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort().build(), options);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** No token or session from the test before; every service answers an empty SLO and incident list. */
    @BeforeEach
    void aFreshTab() {
        StandInServices.reset();
        StandInServices.on("slo", "GET", "slos", call -> Reply.json(List.of()));
        StandInServices.on("incident", "GET", "incidents", call -> Reply.json(Map.of("items", List.of(), "total", 0)));
        browser.get(root + "console.css");
        script("sessionStorage.clear();");
    }

    // ---- Signing in and out ----------------------------------------------------------------------------------------

    /**
     * "Switch user", then the organisation's account: the provider sends the browser back to {@code #/signed-in}. The
     * token pasted before is the previous person's; kept, the page sent it (the pass-through prefers it to the
     * session's) and acknowledgements and notes were recorded as that person, whose name the header still showed.
     */
    @Test
    void signingInWithTheOrganisationsAccountDropsThePreviousPersonsToken() {
        useToken(ALICE);
        waitForText(By.id("who"), "alice (daff-responder)");

        Object entries = script("return history.length;");
        browser.get(root + "#/signed-in"); // where the provider sends the browser back to
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlToBe(root + "#/slos"));
        waitFor(By.xpath("//h1[text()='SLOs']"));
        // #/signed-in is replaced in the history, not left behind it: Back onto it would drop a token picked since.
        assertThat(script("return history.length;"), equalTo(((Number) entries).longValue() + 1));
        browser.get(root + "#/incidents");
        waitFor(By.xpath("//h1[text()='Incidents']"));

        List<StandInServices.Call> calls = StandInServices.calls("incident", "incidents");
        assertThat(calls.get(calls.size() - 1).authorization(), nullValue());
        assertThat(browser.findElement(By.id("who")).getText(), equalTo("signed in with your organisation's account"));
        assertThat(script("return sessionStorage.getItem('daff.token');"), nullValue());
    }

    /** A token the service refuses (expired) is forgotten: not sent again, not shown as who is signed in. */
    @Test
    void aTokenTheServiceRefusesIsForgottenAndThePersonAskedToSignIn() {
        StandInServices.on("slo", "GET", "slos", call -> Reply.problem(401, "The token has expired."));
        useToken(ALICE);

        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlToBe(root + "#/sign-in"));
        waitForText(By.id("sign-in-link"), "Sign in");
        assertThat(browser.findElement(By.id("who")).getText(), equalTo(""));
        assertThat(script("return sessionStorage.getItem('daff.token');"), nullValue());
    }

    // ---- Answers that are not JSON ---------------------------------------------------------------------------------

    /** A proxy in front of the console answers its own HTML page: the person reads the status, not a parse error. */
    @Test
    void anHtmlGatewayPageIsToldAsItsStatusNotAsAParseError() {
        StandInServices.on("incident", "GET", "incidents", call -> Reply.text(502, "text/html",
                "<html><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"));
        signedIn();
        browser.get(root + "#/incidents");

        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "502"));
        String message = browser.findElement(By.id("message")).getText();
        assertThat(message, not(containsString("Unexpected token")));
        assertThat(message, containsString("incident-service"));
        waitFor(By.cssSelector("#main .failed"));
    }

    @Test
    void aPlainTextRefusalStillSendsThePersonToSignIn() {
        StandInServices.on("slo", "GET", "slos", call -> Reply.text(401, "text/plain", "Unauthorized"));
        useToken(ALICE);

        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlToBe(root + "#/sign-in"));
        waitFor(By.xpath("//h1[text()='Sign in']"));
        assertThat(browser.findElement(By.id("message")).getText(), not(containsString("Unexpected token")));
    }

    // ---- One part failing, or slow --------------------------------------------------------------------------------

    /**
     * "Move to RESOLVED" succeeds and action-service is down when the page reloads: the incident is shown RESOLVED,
     * with no button for a state it has left, and the follow-up actions say they could not be loaded.
     */
    @Test
    void anIncidentMovedWhileActionServiceIsDownShowsItsNewStatus() {
        AtomicReference<String> status = new AtomicReference<>("FIXING");
        AtomicBoolean actionServiceDown = new AtomicBoolean();
        anIncident("inc-1", "Checkout errors", status::get, 0);
        StandInServices.on("action", "GET", "actions", call -> actionServiceDown.get()
                ? Reply.json(502, Map.of("type", "https://daff.dev/problems/upstream-unavailable", "status", 502,
                        "title", "The service is not reachable", "detail", "action-service could not be reached from the console."))
                : Reply.json(List.of()));
        StandInServices.on("incident", "POST", "incidents/inc-1/transitions", call -> {
            status.set("RESOLVED");
            actionServiceDown.set(true);
            return Reply.json(incident("inc-1", "Checkout errors", "RESOLVED"));
        });
        signedIn();
        browser.get(root + "#/incident/inc-1");

        waitFor(By.cssSelector("button[data-to='RESOLVED']")).click();

        waitForText(By.id("status"), "RESOLVED");
        assertThat(browser.findElements(By.cssSelector("button[data-to]")), equalTo(List.of()));
        assertThat(browser.findElement(By.id("actions")).getText(), containsString(
                "Could not load the follow-up actions: 502: action-service could not be reached from the console."));
        assertThat(browser.findElement(By.id("finalisation")).getText(), containsString("The incident is resolved."));
    }

    /** A slow load started before the person moved on finishes last: it must not replace the page they went to. */
    @Test
    void aSlowPageLoadOvertakenByANewerOneDrawsNothing() throws InterruptedException {
        anIncident("slow", "Slow incident", () -> "FIXING", 3000);
        signedIn();

        browser.get(root + "#/incident/slow");
        new WebDriverWait(browser, WAIT).until(b -> !StandInServices.calls("incident", "incidents/slow").isEmpty());
        browser.get(root + "#/incidents");
        waitFor(By.xpath("//h1[text()='Incidents']"));
        Thread.sleep(4500); // the slow incident has answered meanwhile

        assertThat(browser.findElement(By.cssSelector("#main h1")).getText(), equalTo("Incidents"));
    }

    @Test
    void theSloListShowsEverySloWhenOneStatusDoesNotLoad() {
        StandInServices.on("slo", "GET", "slos", call -> Reply.json(List.of(slo("checkout-availability"), slo("search-latency"))));
        StandInServices.on("slo", "GET", "slos/checkout-availability/status", call -> Reply.json(Map.of(
                "budget", Map.of("remaining", 0.5), "burnRates", Map.of("1h", Map.of("burnRate", 2.0),
                        "6h", Map.of("burnRate", 1.0)), "activeAlerts", List.of())));
        StandInServices.on("slo", "GET", "slos/search-latency/status", call -> Reply.problem(503, "Try again."));
        useToken(ALICE);

        assertThat(waitFor(By.cssSelector("tr[data-slo='checkout-availability']")).getText(), containsString("50.0 %"));
        assertThat(browser.findElement(By.cssSelector("tr[data-slo='search-latency']")).getText(),
                containsString("Could not load its status: 503: Try again."));
    }

    @Test
    void onCallShowsEveryTeamWhenOneTeamsOnCallDoesNotLoad() {
        StandInServices.on("slo", "GET", "teams", call -> Reply.json(List.of("db", "web")));
        StandInServices.on("slo", "GET", "teams/web/oncall", call -> Reply.json(Map.of("primary", "carol",
                "secondary", "dave", "overridden", false, "shiftEndsAt", "2030-01-01T00:00:00Z")));
        StandInServices.on("slo", "GET", "teams/db/oncall", call -> Reply.problem(500, "The rotation could not be read."));
        StandInServices.on("slo", "GET", "pages", call -> Reply.json(List.of()));
        signedIn();
        browser.get(root + "#/oncall");

        waitFor(By.xpath("//h1[text()='On call']"));
        String shown = browser.findElement(By.id("main")).getText();
        assertThat(shown, containsString("web carol dave"));
        assertThat(shown, containsString("db\nCould not load who is on call: 500: The rotation could not be read."));
        assertThat(shown, containsString("No page is waiting for an acknowledgement."));
    }

    // ---- Long lists ------------------------------------------------------------------------------------------------

    /** incident-service gives a timeline oldest first, 500 at most a page: the note just added is on the next page. */
    @Test
    void aLongTimelineIsReadToItsNewestEntry() {
        anIncident("long", "Long incident", () -> "FIXING", 0);
        StandInServices.on("incident", "GET", "incidents/long/timeline", call -> "page-2".equals(call.query().get("cursor"))
                ? Reply.json(IntStream.range(500, 503).mapToObj(i -> entry(i == 502 ? "the note just added" : "entry " + i)).toList())
                : Reply.json(IntStream.range(0, 500).mapToObj(i -> entry("entry " + i)).toList()).withHeader("X-Next-Cursor", "page-2"));
        signedIn();
        browser.get(root + "#/incident/long");

        waitFor(By.id("timeline"));
        List<WebElement> entries = browser.findElements(By.cssSelector("#timeline li"));
        assertThat(entries.size(), equalTo(503));
        assertThat(entries.get(502).getText(), containsString("the note just added"));
    }

    /** Incidents (100), actions (500) and changes (20) cut by the console's limit say so, and how many are shown. */
    @Test
    void aCutListSaysHowManyItShows() {
        StandInServices.on("incident", "GET", "incidents", call -> Reply.json(Map.of("items",
                IntStream.range(0, 100).mapToObj(i -> incident("i" + i, "Incident " + i, "FIXING")).toList(),
                "total", 250, "nextCursor", "next")));
        anIncident("busy", "Busy incident", () -> "FIXING", 0);
        StandInServices.on("action", "GET", "actions", call -> Reply.json(IntStream.range(0, 500).mapToObj(i -> Map.of(
                "title", "action " + i, "kind", "FIX", "scope", "LOCAL", "ownerTeam", "web", "status", "OPEN",
                "overdue", false, "dueAt", "2030-01-01T00:00:00Z")).toList()).withHeader("X-Next-Cursor", "more"));
        StandInServices.on("incident", "GET", "incidents/busy/changes", call -> Reply.json(Map.of("total", 35,
                "nextCursor", "more", "changes", IntStream.range(0, 20).mapToObj(i -> Map.of("reason", "deployed before",
                        "change", Map.of("kind", "DEPLOY", "service", "checkout", "summary", "v" + i))).toList())));
        signedIn();
        browser.get(root + "#/incidents");

        waitFor(By.id("incidents"));
        assertThat(browser.findElement(By.id("main")).getText(), containsString("Showing the newest 100 of 250 incidents"));
        browser.get(root + "#/incident/busy");
        assertThat(waitFor(By.id("actions")).getText(), containsString("Showing the first 500 actions"));
        assertThat(browser.findElement(By.id("changes")).getText(), containsString("Showing the 20 most likely of 35 changes"));
    }

    /**
     * An incident finalisable by a waiver, its conditions unmet, read "Every condition is met" above its red items; a
     * finalised one read "Not finalisable yet".
     */
    @Test
    void theChecklistSaysAWaiverStandsInForUnmetConditionsAndAFinalisedIncidentIsFinalised() {
        AtomicReference<String> status = new AtomicReference<>("RESOLVED");
        anIncident("waived", "Waived incident", status::get, 0);
        StandInServices.on("incident", "GET", "incidents/waived/finalisation", call -> Reply.json(Map.of(
                "finalisable", !"FINALISED".equals(status.get()),
                "conditions", List.of(Map.of("code", "WASHUP_NOT_REVIEWED", "met", false, "text", "The washup is reviewed.")),
                "waiver", Map.of("status", "APPROVED", "reason", "duplicate of inc-7", "approvedBy", "carol"))));
        signedIn();
        browser.get(root + "#/incident/waived");
        waitForText(By.id("finalisation-verdict"), "A waiver approved by carol (\"duplicate of inc-7\") stands in for the"
                + " unmet conditions: it may be finalised.");

        status.set("FINALISED");
        browser.navigate().refresh();
        waitForText(By.id("finalisation-verdict"), "Finalised.");
    }

    // ---- What the stand-ins answer ---------------------------------------------------------------------------------

    /** An incident and every panel of its page; its own answer after {@code delayMillis}. */
    static void anIncident(String id, String title, Supplier<String> status, long delayMillis) {
        String base = "incidents/" + id;
        StandInServices.on("incident", "GET", base, call -> Reply.json(incident(id, title, status.get()))
                .after(Duration.ofMillis(delayMillis)));
        StandInServices.on("incident", "GET", base + "/timeline", call -> Reply.json(List.of(entry("opened"))));
        StandInServices.on("incident", "GET", base + "/changes", call -> Reply.json(Map.of("total", 0, "changes", List.of())));
        StandInServices.on("incident", "GET", base + "/finalisation", call -> Reply.json(Map.of("finalisable", false,
                "conditions", List.of(Map.of("code", "RESOLVED", "met", "RESOLVED".equals(status.get()),
                        "text", "The incident is resolved.")))));
        StandInServices.on("action", "GET", "actions", call -> Reply.json(List.of()));
    }

    static Map<String, Object> incident(String id, String title, String status) {
        Map<String, Object> incident = new LinkedHashMap<>();
        incident.put("id", id);
        incident.put("title", title);
        incident.put("status", status);
        incident.put("severity", "SEV2");
        incident.put("team", "web");
        incident.put("services", List.of("checkout"));
        incident.put("detectionSource", "SLO");
        incident.put("detectedAt", "2026-01-01T00:00:00Z");
        incident.put("allowedNext", "FIXING".equals(status) ? List.of("RESOLVED") : List.of());
        return incident;
    }

    static Map<String, Object> entry(String text) {
        return Map.of("at", "2026-01-01T00:00:00Z", "kind", "NOTE", "actor", "alice", "text", text);
    }

    static Map<String, Object> slo(String name) {
        return Map.of("name", name, "service", "checkout", "team", "web", "objective", 99.9, "window", "30d");
    }

    /** A token shaped as a JWT, which the page reads to say who is signed in (the stand-ins check nothing). */
    static String jwt(String name) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"preferred_username\":\"" + name + "\",\"groups\":[\"daff-responder\"]}";
        return base64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature";
    }

    // ---- Driving the page ------------------------------------------------------------------------------------------

    /** Signed in as alice with a pasted token, the SLO list drawn. */
    void signedIn() {
        useToken(ALICE);
        waitFor(By.xpath("//h1[text()='SLOs']"));
    }

    void useToken(String token) {
        browser.get(root + "#/sign-in");
        waitFor(By.cssSelector("textarea[name=token]")).sendKeys(token);
        browser.findElement(By.xpath("//button[text()='Use token']")).click();
    }

    static WebElement waitFor(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    static void waitForText(By by, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(by, text));
    }

    static Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }
}
