package dev.rollgate.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.CleanDatabase;
import reactor.core.publisher.Mono;

/**
 * A release manager's session in headless Chromium against Rollgate on the real local platform: log in, start a
 * release from the form, watch its weight move without reloading, roll it back by hand; then a bad release that
 * the gates roll back on their own. Screenshots land in target/console-screenshots for review.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserE2E {

    private static final Path SHOTS = Path.of("target/console-screenshots");
    private static ConfigurableApplicationContext context;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Path.of("../video-api/target/video-api.jar"))
                .as("build video-api first: ./mvnw -B verify builds it before control-plane").isRegularFile();
        context = new SpringApplicationBuilder(RollgateApplication.class, CleanDatabase.class)
                .profiles("console-e2e").run("--server.port=0");
        base = "http://localhost:" + context.getBean(Environment.class).getProperty("local.server.port");
        Files.createDirectories(SHOTS);
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,2200");
        browser = new ChromeDriver(ChromeDriverService.createDefaultService(), options);
        // The bootstrap release puts the bundled build on stable; releases compare against it.
        await().atMost(Duration.ofSeconds(120)).until(() -> stableVersion() != null);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (context != null) {
            context.close();
        }
    }

    private static String stableVersion() {
        Release last = context.getBean(ReleaseRepository.class).lastSucceeded("video-api", "staging").block();
        return last == null ? null : last.version();
    }

    private static WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    /** Read in one script call: htmx may swap the element between a find and a getText. */
    private static String text(String css) {
        Object text = ((JavascriptExecutor) browser).executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css);
        return String.valueOf(text);
    }

    private static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Each test starts from a quiet staging, whatever an earlier one left behind. */
    private static void noActiveRelease() {
        ReleaseRepository releases = context.getBean(ReleaseRepository.class);
        Release active = releases.findActive("video-api", "staging").block();
        if (active != null) {
            context.getBean(ReleaseService.class).command(active.id(), new Command(Command.Type.ROLLBACK,
                    new Actor(Actor.Kind.API, "token:e2e-cleanup"), "test cleanup"), null)
                    .onErrorResume(e -> Mono.empty()).block();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> releases.findActive("video-api", "staging").block() == null);
        }
    }

    private static void startRelease(String version, String config) {
        noActiveRelease();
        browser.get(base + "/releases/new");
        new Select(find("#application")).selectByValue("video-api");
        new Select(find("#environment")).selectByValue("staging");
        find("#version").sendKeys(version);
        if (config != null) {
            find("#config").sendKeys(config);
        }
        find("#start").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().matches(".*/releases/[0-9a-f-]{36}$"));
    }

    /** A marker that survives only as long as the page is not reloaded. */
    private static void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.rollgateMarker = 'same-page';");
    }

    private static void assertSamePage() {
        assertThat(((JavascriptExecutor) browser).executeScript("return window.rollgateMarker;"))
                .as("the page was reloaded").isEqualTo("same-page");
    }

    @Test
    @Order(1)
    void logsInAndSeesTheOverview() throws Exception {
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        find("input[name=username]").sendKeys("admin");
        find("input[name=password]").sendKeys("console-e2e-secret");
        find("form button[type=submit]").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getTitle().startsWith("Overview"));
        String cell = text("#cell-video-api--staging");
        assertThat(cell).contains("stable:").contains(stableVersion());
        screenshot("overview");
    }

    @Test
    @Order(2)
    void watchesTheWeightMoveLiveAndRollsBackByHand() throws Exception {
        startRelease("1.1.0", null);
        markPage();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> text("#weight").equals("20 %"));
        assertThat(text("#state")).isEqualTo("PROGRESSING");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> text("#weight").equals("60 %"));
        assertSamePage();
        assertThat(text("#time-left")).matches("\\d+(m \\d{2})?s|\\d+h \\d{2}m");
        // Both series drawn, in the same order on every page, every legend entry named.
        await().atMost(Duration.ofSeconds(30)).until(() -> text("#charts figure[data-gate=error-rate] .u-legend")
                .contains("stable"));
        assertThat(((JavascriptExecutor) browser).executeScript("return Array.from(document.querySelectorAll("
                + "'#charts figure')).map(function (f) { return f.getAttribute('data-gate'); }).join(',');"))
                .isEqualTo("error-rate,p99-latency,health");
        assertThat(((JavascriptExecutor) browser).executeScript("return Array.from(document.querySelectorAll("
                + "'#charts .u-legend .u-label')).filter(function (l) { return !l.textContent.trim(); }).length;"))
                .isEqualTo(0L);
        String xAxis = text("#charts figure[data-gate=error-rate]");
        assertThat(xAxis).doesNotContainPattern("20(2[7-9]|3\\d)");
        screenshot("release-detail-progressing");

        find("#command-rollback").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.name("reason")).isEmpty());
        find("textarea[name=reason]").sendKeys("rehearsal: rolling back from the browser");
        find("#confirm-submit").click();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> text("#state").equals("ROLLED_BACK"));
        assertSamePage();
        assertThat(text("#live")).contains("console:admin").contains("rehearsal: rolling back from the browser");
        assertThat(browser.findElements(By.cssSelector(".actions button"))).isEmpty();
        screenshot("release-detail-rolled-back");
    }

    @Test
    @Order(3)
    void seesTheGatesRollBackABadReleaseOnTheirOwn() throws Exception {
        startRelease("1.2.0", "VIDEOAPI_FAULTS_ERROR_RATE=0.5");
        markPage();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> text("#state").equals("ROLLED_BACK"));
        assertSamePage();
        // Half its requests fail: the smoke check usually catches it before traffic moves, the error-rate gate if not.
        assertThat(text("#live")).containsAnyOf("SMOKE_FAILED", "GATE_FAILED").contains("ROLLBACK_STARTED");
        screenshot("release-detail-gate-rollback");
        assertThat(text("#config")).contains("VIDEOAPI_FAULTS_ERROR_RATE").contains("0.5");
        // Ended: either its readings are drawn or the page says none were taken — never "yet".
        await().atMost(Duration.ofSeconds(15)).until(() -> !text("#charts").contains("No measurements yet."));

        browser.get(base + "/audit?channel=system");
        assertThat(text("table.audit")).contains("ROLLBACK_STARTED").contains("1.2.0");

        // A 100 KB unbroken reason (stored before reasons were capped) wraps inside its cell.
        context.getBean(org.springframework.r2dbc.core.DatabaseClient.class).sql("insert into audit_log (at,"
                        + " actor_kind, actor, action, outcome, reason) values (now(), 'API', 'token:e2e', 'PROMOTE',"
                        + " 'REFUSED', :reason)").bind("reason", "w".repeat(100_000)).then().block();
        browser.get(base + "/audit?actor=token:e2e");
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth;")).isEqualTo(true);
    }
}
