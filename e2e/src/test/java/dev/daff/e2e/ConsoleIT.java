package dev.daff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.JsonApi;
import dev.daff.localinfra.LocalSuite;
import dev.daff.localinfra.ServiceProcess;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), against the three
 * packaged services and the packaged console: the SLO list, a burning SLO's burn-down chart with data, acknowledging
 * its page, and working its incident (a note, ANALYSING, the finalisation checklist). Screenshots of each page go to
 * {@code target/console-screenshots/}. Skipped, saying why, only where no chromium is installed.
 */
class ConsoleIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    static Suite suite;
    static ServiceProcess slo;
    static ServiceProcess incident;
    static ServiceProcess action;
    static ServiceProcess console;
    static Map<String, String> tokens;
    static WebDriver browser;

    final JsonApi api = new JsonApi();

    /** chromium's binary: {@code -Ddaff.chromium=…}, else Debian's or Ubuntu's name on the PATH. */
    static Optional<Path> chromium() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("daff.chromium")).ifPresent(candidates::add);
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    static Optional<Path> chromedriver() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("daff.chromedriver")).ifPresent(candidates::add);
        candidates.addAll(List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @BeforeAll
    static void startTheSuiteAndABrowser() throws Exception {
        String missing = "no chromium and chromedriver installed (Debian: apt-get install chromium chromium-driver;"
                + " .ci/run installs them)";
        boolean present = chromium().isPresent() && chromedriver().isPresent();
        if ("true".equals(System.getenv("DAFF_CONSOLE_REQUIRE_BROWSER"))) {
            assertTrue(present, "ConsoleIT: " + missing); // CI: a missing browser fails, never skips
        }
        Assumptions.assumeTrue(present, "ConsoleIT skipped: " + missing);
        suite = Suite.start("console-it");
        slo = suite.slo;
        incident = suite.incident;
        action = suite.action;
        tokens = suite.tokens;
        console = suite.start("console", LocalSuite.consoleEnvironment(slo.url(), incident.url(), action.url(),
                suite.keys.resolve("tokens.txt")));
        suite.awaitReady();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver().get().toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void onCallSeesTheBurnAcknowledgesThePageAndWorksTheIncidentInTheBrowser() throws IOException {
        burningSlo();

        // Sign in through the local role picker as a responder.
        browser.get(console.url() + "/#/sign-in");
        WebElement role = waitFor(By.cssSelector("#role-picker select[name=role]"));
        new Select(role).selectByValue("daff-responder");
        browser.findElement(By.cssSelector("#role-picker button")).click();

        // The SLO list: the burning SLO is there, with its budget and a firing PAGE badge.
        WebElement row = waitFor(By.cssSelector("tr[data-slo='web-availability']"));
        await().atMost(WAIT).until(() -> {
            browser.navigate().refresh();
            return waitFor(By.cssSelector("tr[data-slo='web-availability']")).getText().contains("PAGE");
        });
        screenshot("1-slo-list");

        // One SLO: the burn-down chart is drawn with data points, the forecast is in words.
        browser.findElement(By.linkText("web-availability")).click();
        WebElement burnDown = waitFor(By.cssSelector("#burndown[data-points]"));
        assertTrue(Integer.parseInt(burnDown.getAttribute("data-points")) > 1, burnDown.getAttribute("data-points"));
        Number plotted = (Number) ((JavascriptExecutor) browser).executeScript(
                "return echarts.getInstanceByDom(document.getElementById('burndown')).getOption().series[0].data.length;");
        assertTrue(plotted.intValue() > 1, "burn-down points plotted: " + plotted);
        assertTrue(burnDown.findElements(By.tagName("canvas")).size() > 0, "the burn-down chart has no canvas");
        assertTrue(browser.findElement(By.id("forecast")).getText().startsWith("Budget exhausted"),
                browser.findElement(By.id("forecast")).getText());
        screenshot("2-slo");

        // On call: acknowledge the open page.
        browser.get(console.url() + "/#/oncall");
        waitFor(By.cssSelector("#pages button.ack")).click();
        waitFor(By.id("no-pages"));
        JsonNode pages = api.get(slo.url() + "/api/pages?team=web", tokens.get("daff-viewer"));
        assertEquals("ACKNOWLEDGED", pages.get(0).get("state").asText(), pages.toString());
        screenshot("3-oncall");

        // The incident the page opened: add a note, move it to ANALYSING, see the finalisation checklist.
        await().atMost(WAIT).until(() -> api.get(incident.url() + "/api/incidents?service=web", tokens.get("daff-viewer"))
                .get("total").asInt() == 1);
        browser.get(console.url() + "/#/incidents");
        screenshot("4-incidents");
        waitFor(By.cssSelector("#incidents tbody a")).click();
        WebElement note = waitFor(By.cssSelector("#note-form textarea[name=text]"));
        note.sendKeys("Errors began at 100 % on web; looking at the last deploy.");
        // A double click (or Enter pressed twice) while the first is on its way adds the note once.
        ((JavascriptExecutor) browser).executeScript(
                "const f = document.getElementById('note-form'); f.requestSubmit(); f.requestSubmit();");
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"),
                "looking at the last deploy"));
        String incidentId = api.get(incident.url() + "/api/incidents?service=web", tokens.get("daff-viewer"))
                .get("items").get(0).get("id").asText();
        JsonNode entries = api.get(incident.url() + "/api/incidents/" + incidentId + "/timeline", tokens.get("daff-viewer"));
        assertEquals(1, java.util.stream.StreamSupport.stream(entries.spliterator(), false)
                .filter(entry -> entry.get("text").asText().contains("looking at the last deploy")).count(), entries.toString());
        waitFor(By.cssSelector("button[data-to='ANALYSING']")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "ANALYSING"));
        List<WebElement> conditions = waitFor(By.id("finalisation")).findElements(By.cssSelector("li[data-code]"));
        assertTrue(!conditions.isEmpty(), "no finalisation conditions shown");
        assertTrue(conditions.stream().anyMatch(c -> c.getAttribute("class").contains("unmet")), "an open incident meets every condition");
        screenshot("5-incident");

        browser.get(console.url() + "/#/review");
        waitFor(By.xpath("//h1[text()='Meta-review']"));
        screenshot("6-meta-review");
    }

    /**
     * Production sign-in, through a real OpenID Connect provider (a stand-in): the console keeps the session in its
     * cookie and forwards the access token; "Sign out" must end that session — at the console and, by RP-initiated
     * logout, at the provider — so the next person at a shared screen is not signed in as this one. A provider that
     * offers no RP-initiated logout (Google's) still has the console's own session ended.
     */
    @Test
    void signingOutEndsTheSessionWithTheOrganisationsAccount() throws Exception {
        try (OidcProviderStandIn provider = OidcProviderStandIn.start("oliver", tokens.get("daff-responder"), true)) {
            ServiceProcess signedInConsole = consoleSigningInWith(provider, "console-oidc");

            // Behind the Ingress (TLS ends there) the provider must send people back to the https address they used.
            HttpResponse<Void> challenge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(signedInConsole.url() + "/sign-in/oidc")).header("X-Forwarded-Proto", "https")
                    .header("X-Forwarded-Host", "daff.example.com").build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(302, challenge.statusCode());
            String location = challenge.headers().firstValue("Location").orElse("");
            assertTrue(location.startsWith(provider.issuer() + "/authorize?") && location.contains("redirect_uri="
                    + URLEncoder.encode("https://daff.example.com/sign-in/oidc", StandardCharsets.UTF_8)), location);

            signInAndOut(signedInConsole, provider);
            await().atMost(WAIT).until(() -> provider.logouts().size() == 1);
            OidcProviderStandIn.Logout logout = provider.logouts().get(0);
            assertEquals(provider.idTokensIssued().get(0), logout.idTokenHint(), "the session the provider was asked to end");
            assertEquals(signedInConsole.url() + "/", logout.postLogoutRedirectUri());
            signedOut(signedInConsole);
        }
        try (OidcProviderStandIn provider = OidcProviderStandIn.start("olga", tokens.get("daff-responder"), false)) {
            ServiceProcess signedInConsole = consoleSigningInWith(provider, "console-oidc-no-logout");
            signInAndOut(signedInConsole, provider);
            signedOut(signedInConsole);
            assertEquals(List.of(), provider.logouts(), "a provider without end_session_endpoint was sent there");
        }
    }

    /**
     * Tokens last minutes at a provider (Keycloak: five); the console's session must outlive them: renewed with the
     * refresh token while the provider allows it (before: the page's calls met a redirect to the provider they could
     * not follow), and once it does not, the cookie is dropped and the page asks the person to sign in again.
     */
    @Test
    void theSessionOutlivesTheProvidersShortTokensUntilTheProviderEndsIt() {
        try (OidcProviderStandIn provider = OidcProviderStandIn.start("otto", tokens.get("daff-responder"), true,
                Duration.ofSeconds(4))) {
            ServiceProcess signedInConsole = consoleSigningInWith(provider, "console-oidc-short-tokens");
            forgetCookies();
            browser.get(signedInConsole.url() + "/#/sign-in");
            waitFor(By.id("oidc-sign-in")).click();
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("who"),
                    "signed in with your organisation's account"));
            assertEquals(200, statusOfAConsoleCall());
            // past the first tokens' four seconds: renewed on the next call
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> statusOfAConsoleCall() == 200 && provider.refreshes() >= 1);

            // The provider ends the person's session: past the tokens' life the console drops its cookie and the
            // page asks the person to sign in again.
            provider.forgetRefreshTokens();
            await().atMost(WAIT).until(() -> Instant.now().isAfter(provider.lastExpiry().plusSeconds(1)));
            browser.get(signedInConsole.url() + "/#/incidents"); // the page is on #/slos: a new hash, its call
            waitFor(By.id("oidc-sign-in"));
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "sign in again"));
            assertEquals(401, statusOfAConsoleCall(), "the console kept the ended session");
            // A page load whose session ended lands here (/sign-in/expired sends it on): the same sign-in and words.
            browser.get(signedInConsole.url() + "/#/session-ended");
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlToBe(signedInConsole.url() + "/#/sign-in"));
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "sign in again"));
        }
    }

    /**
     * The provider is down while the console starts (Keycloak restarting with the cluster, a network policy not yet
     * applied): the console must start all the same and sign people in once the provider is back, without a restart.
     */
    @Test
    void aConsoleStartedWhileTheProviderWasDownSignsPeopleInOnceItIsBack() {
        try (OidcProviderStandIn provider = OidcProviderStandIn.start("ursula", tokens.get("daff-responder"), true)) {
            provider.unavailable(true);
            ServiceProcess signedInConsole = consoleSigningInWith(provider, "console-oidc-provider-down");
            assertTrue(provider.refusedWhileUnavailable() > 0, "the console did not ask the provider at its start");

            provider.unavailable(false);
            signInAndOut(signedInConsole, provider);
            signedOut(signedInConsole);
        }
    }

    ServiceProcess consoleSigningInWith(OidcProviderStandIn provider, String name) {
        Map<String, String> environment = new LinkedHashMap<>(LocalSuite.consoleEnvironment(slo.url(), incident.url(),
                action.url(), null));
        environment.putAll(provider.consoleEnvironment());
        return suite.start("console", name, environment).awaitReady(WAIT);
    }

    void signInAndOut(ServiceProcess signedInConsole, OidcProviderStandIn provider) {
        forgetCookies();
        browser.get(signedInConsole.url() + "/#/sign-in");
        waitFor(By.id("oidc-sign-in")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("who"),
                "signed in with your organisation's account"));
        assertEquals(1, provider.idTokensIssued().size(), "ID tokens issued");
        assertEquals(200, statusOfAConsoleCall(), "a call through the console's session");

        browser.get(signedInConsole.url() + "/#/sign-in");
        waitFor(By.xpath("//button[text()='Sign out']")).click();
    }

    /** Every console here is on localhost, which shares cookies across ports: none of another test's sessions. */
    void forgetCookies() {
        if (browser.getCurrentUrl().startsWith("http://localhost")) {
            browser.manage().deleteAllCookies();
        }
    }

    /** Back at the console's sign-in: no session left to forward, so the service sees no token. */
    void signedOut(ServiceProcess signedInConsole) {
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().startsWith(signedInConsole.url()));
        waitFor(By.id("oidc-sign-in"));
        await().atMost(WAIT).until(() -> statusOfAConsoleCall() == 401);
        assertEquals("", browser.findElement(By.id("who")).getText());
    }

    /** What the SLO list's call through the console answers in the browser now, with its cookies (as the page sends it). */
    int statusOfAConsoleCall() {
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/slo/slos', { headers: { 'X-Daff-Console': '1', 'X-Requested-With': 'JavaScript' } })
                    .then(r => done(r.status), e => done(-1));""");
        return ((Number) status).intValue();
    }

    /** A team on call for service web, a 99.9 % SLO, an hour of good traffic and then two minutes of failures. */
    void burningSlo() {
        String admin = tokens.get("daff-admin");
        Instant started = Instant.now();
        api.call("PUT", slo.url() + "/api/teams/web", admin, """
                {"members": [{"handle": "carol", "name": "Carol", "channels": [{"type": "pagerduty", "routingKey": "web-key"}]},
                             {"handle": "dave", "name": "Dave"}],
                 "rotation": {"members": ["carol", "dave"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(started.minus(Duration.ofDays(1))), 200);
        api.call("PUT", incident.url() + "/api/services/web", admin, "{\"team\": \"web\"}", 201);
        api.call("POST", slo.url() + "/api/slos", admin, """
                {"name": "web-availability", "service": "web", "team": "web", "description": "pages load",
                 "objective": 99.9, "window": "30d"}""", 201);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        api.call("POST", slo.url() + "/api/slos/web-availability/events", tokens.get("daff-ingest"),
                DaffEndToEndIT.traffic(now.minus(Duration.ofMinutes(60)), now, 0), 202);
        api.call("POST", slo.url() + "/api/slos/web-availability/events", tokens.get("daff-ingest"),
                DaffEndToEndIT.traffic(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofMinutes(1)), 1000), 202);
        await().atMost(WAIT).until(() -> api.get(slo.url() + "/api/pages?team=web&state=TRIGGERED",
                tokens.get("daff-viewer")).size() == 1);
    }

    WebElement waitFor(By what) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
