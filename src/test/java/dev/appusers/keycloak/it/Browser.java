package dev.appusers.keycloak.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Debian's chromedriver: {@code apt-get install -y chromium chromium-driver}
 * (.ci/run does it). Selenium Manager is never asked for a browser or a driver: both paths are given, and nothing is
 * downloaded. Override the paths with {@code -Dit.chromium=...} and {@code -Dit.chromedriver=...}.
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    public final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser start() {
        String chromium = System.getProperty("it.chromium", "/usr/bin/chromium");
        String chromedriver = System.getProperty("it.chromedriver", "/usr/bin/chromedriver");
        if (!new File(chromium).canExecute() || !new File(chromedriver).canExecute()) {
            throw new IllegalStateException("No " + chromium + " or " + chromedriver
                    + ": apt-get install -y chromium chromium-driver (.ci/run installs them)");
        }
        // Both paths are set, so Selenium's DriverFinder has nothing to look up; the property says it once more.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver);
        try {
            Path profile = Files.createTempDirectory("it-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,900", "--lang=en-US",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void open(String url) {
        driver.get(url);
    }

    public <T> T waitFor(Function<WebDriver, T> condition) {
        // a page that navigates while the condition reads it makes its elements stale: read it again
        // polled every 50 ms (Selenium's default is 500 ms, which a form test of 35 popovers pays twice each)
        return new WebDriverWait(driver, WAIT).pollingEvery(java.time.Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /** Waits until an element is displayed and returns it. */
    public WebElement visible(By by) {
        return waitFor(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Types {@code password} into the page's field {@code id} (recorded as sent, for the log checks). */
    public void typePassword(String id, String password) {
        SentPasswords.record(password);
        driver.findElement(By.id(id)).sendKeys(password);
    }

    public String pageText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Saves a PNG of the window to {@code target/screenshots/<name>.png}. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try {
                KeycloakServer.deleteRecursively(profile);
            } catch (IOException e) {
                // a leftover temp profile is harmless
            }
        }
    }
}
