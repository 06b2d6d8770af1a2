package io.tally.dashboard;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.testing.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (headless Chromium driven by Selenium), fed from the output topics of a real broker:
 * what the page shows is exactly what the records written say, and it follows new records without a reload.
 */
class DashboardBrowserTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    /** The current hour: the page's lag and charts read the clock; what the test asserts does not depend on it. */
    private static final long H = System.currentTimeMillis() / HOUR * HOUR;

    private static DashboardServer server;
    private static WebDriver browser;
    private static TallyConfig config;

    @BeforeAll
    static void start() {
        boolean ci = System.getenv("CI") != null;
        // .ci/run installs Debian's chromium and chromium-driver; elsewhere the test needs them too, or it is skipped.
        if (!ci) assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no chromium here");
        config = new TallyConfig();
        config.topics.put(Stream.KPIS.wireName(), "browser.kpis");
        config.topics.put(Stream.ALERTS.wireName(), "browser.alerts");
        config.topics.put(Stream.DEAD_LETTERS.wireName(), "browser.dead-letters");
        KAFKA.createTopics("browser.kpis", "browser.alerts", "browser.dead-letters");
        server = DashboardServer.open(KAFKA.clientProperties(), config, "127.0.0.1", 0);
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    private static String kpi(String dimension, String key, long start, long size, String gmv, long orders) {
        return kpi(dimension, key, start, size, gmv, orders, 100, 10, "null");
    }

    private static String kpi(String dimension, String key, long start, long size, String gmv, long orders, long views,
                              long clicks, String stock) {
        return "{\"dimension\":\"" + dimension + "\",\"key\":\"" + key + "\",\"windowStart\":" + start + ",\"windowEnd\":"
                + (start + size) + ",\"final\":false,\"views\":" + views + ",\"likes\":0,\"comments\":0,\"shares\":0,"
                + "\"clicks\":" + clicks + ","
                + "\"units\":1.0,\"gmv\":" + gmv + ",\"orders\":" + orders + ",\"newCustomerOrders\":1,\"attributedOrders\":"
                + orders + ",\"attributedGmv\":" + gmv + ",\"commission\":1.00,\"margin\":2.00,\"refunds\":0,"
                + "\"refundedAmount\":0.00,\"spend\":0.00,\"engagementRate\":null,\"ctr\":0.1,\"aov\":null,"
                + "\"conversionRate\":0.2,\"cpa\":null,\"newCustomerRate\":0.5,\"netGmv\":" + gmv + ",\"marginPerOrder\":null,"
                + "\"gmvShare\":null,\"stock\":" + stock + "}";
    }

    private static String alert(String state) {
        return "{\"alertId\":\"cpa|ALL|*|0\",\"ruleId\":\"cpa\",\"dimension\":\"ALL\",\"key\":\"*\",\"metric\":\"cpa\","
                + "\"op\":\">\",\"value\":12.5,\"threshold\":10.0,\"state\":\"" + state + "\",\"windowStart\":" + (H - HOUR)
                + ",\"windowEnd\":" + H + ",\"ts\":" + H + "}";
    }

    private static String tile(String section, String metric) {
        return browser.findElement(By.cssSelector("#" + section + " [data-metric='" + metric + "'] .value")).getText();
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> what + "; the page says: "
                + browser.findElement(By.tagName("body")).getText()).until(d -> {
            try {
                return condition.getAsBoolean();
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                return false; // the page redraws a section whole on every change
            }
        });
    }

    @Test
    void thePageShowsTheRecordsWrittenAndFollowsNewOnesWithoutAReload() throws Exception {
        List<String> minutes = new java.util.ArrayList<>();
        for (int m = 30; m >= 1; m--) {
            minutes.add(kpi("ALL", "*", H - m * MINUTE, MINUTE, (m % 7 + 3) + ".00", m % 3, 900 + 40 * (m % 5), 60 + 3 * (m % 4), "null"));
        }
        KAFKA.produce("browser.kpis", minutes);
        KAFKA.produce("browser.kpis", List.of(
                kpi("ALL", "*", H - HOUR, HOUR, "100.00", 4),
                kpi("ALL", "*", H, HOUR, "250.50", 10),
                kpi("MERCHANT", "m1", H, HOUR, "70.00", 3),
                kpi("CREATOR", "c1", H, HOUR, "150.00", 6),
                kpi("CREATOR", "c2", H, HOUR, "100.50", 4),
                kpi("CONTENT", "c1-video-7", H, HOUR, "150.00", 6),
                kpi("TIER", "MID", H, HOUR, "150.00", 6),
                kpi("TIER", "NANO", H, HOUR, "100.50", 4),
                kpi("FORMAT", "TUTORIAL", H, HOUR, "180.00", 7),
                kpi("FORMAT", "REVIEW", H, HOUR, "70.50", 3),
                kpi("PRODUCT", "p-7", H, HOUR, "0.00", 0, 300, 25, "0"),
                kpi("PRODUCT", "p-3", H, HOUR, "250.50", 10, 500, 40, "12")));
        KAFKA.produce("browser.alerts", List.of(alert("FIRING")));
        browser.get(server.url());

        waitUntil("the hour's GMV tile", () -> tile("hour", "gmv").equals("250.5"));
        waitUntil("the hour's orders", () -> tile("hour", "orders").equals("10"));
        waitUntil("the GMV of the hour before", () -> browser.findElement(
                By.cssSelector("#hour [data-metric='gmv'] .change")).getText().equals("▲ 100 before"));
        waitUntil("the top creators by attributed GMV", () -> browser.findElements(By.cssSelector("#creators tr[data-key]"))
                .stream().map(e -> e.getAttribute("data-key")).toList().equals(List.of("c1", "c2")));
        waitUntil("the firing alert", () -> browser.findElement(By.cssSelector("#alerts tr[data-alert]"))
                .getAttribute("data-state").equals("FIRING"));

        // A new record of the hour replaces the tile's value, and the alert resolves: no reload.
        KAFKA.produce("browser.kpis", List.of(kpi("ALL", "*", H, HOUR, "300.00", 12)));
        KAFKA.produce("browser.alerts", List.of(alert("RESOLVED")));
        waitUntil("the updated GMV tile", () -> tile("hour", "gmv").equals("300"));
        waitUntil("the resolved alert", () -> browser.findElement(By.cssSelector("#alerts tr[data-alert]"))
                .getAttribute("data-state").equals("RESOLVED"));
        Path shot = Path.of("target", "dashboard.png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                StandardCopyOption.REPLACE_EXISTING);

        // The merchant filter shows the merchant's own windows.
        waitUntil("the merchant m1 offered", () -> new Select(browser.findElement(By.id("merchant"))).getOptions().size() == 2);
        new Select(browser.findElement(By.id("merchant"))).selectByVisibleText("m1");
        waitUntil("the merchant's GMV tile", () -> tile("hour", "gmv").equals("70"));
        waitUntil("the merchant's orders", () -> tile("hour", "orders").equals("3"));
        assertThat(browser.getCurrentUrl()).endsWith("?merchant=m1");

        // A phone's width: the page reflows and never scrolls sideways (a wide table scrolls inside its section).
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(400, 900));
        browser.navigate().refresh();
        waitUntil("the merchant's GMV tile on a narrow screen", () -> tile("hour", "gmv").equals("70"));
        Object overflow = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).longValue()).isLessThanOrEqualTo(0);
    }
}
