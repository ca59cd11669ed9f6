package dev.appusers.keycloak.scenarios.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.keycloak.provider.ProviderConfigProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.config.ConfigProperties;
import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Browser;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.Target;

/** An operator opens the app-users provider in Keycloak's admin console: the form, its help texts, and Save. */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleScenarios {

    /** Records what the console sends (it talks to the admin REST API with fetch). */
    private static final String RECORD_FETCH = "window.__sent = []; const f = window.fetch; window.fetch = "
            + "function(u, o) { window.__sent.push({url: String(u && u.url || u), method: (o && o.method) || "
            + "(u && u.method), body: o && o.body}); return f.apply(this, arguments); };";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String componentId;
    Browser browser;

    @BeforeAll
    void realmWithTheProvider() {
        realm = ItRealm.create(getClass());
        componentId = realm.admin.addFederation(realm.name, ItRealm.config());
    }

    @BeforeEach
    void signInToTheAdminConsole() {
        browser = Browser.start();
        String console = realm.server.baseUrl() + "/admin/master/console/";
        browser.open(console);
        browser.visible(By.id("username")).sendKeys(KeycloakServer.ADMIN_USER);
        browser.driver.findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
        browser.driver.findElement(By.id("kc-login")).click();
        browser.visible(By.xpath("//*[normalize-space()='Manage realms']"));
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    /** User federation of the realm, then the provider's card, as an operator clicks through. */
    private void openProvider(String name) {
        browser.open(realm.server.baseUrl() + "/admin/master/console/#/" + realm.name + "/user-federation");
        browser.driver.navigate().refresh(); // the console reads a changed #/realm only on load
        browser.visible(By.linkText(name)).click();
        browser.visible(By.id("config.userTable"));
    }

    /** The console's form groups by the label an operator reads ("User table", with " *" when required). */
    private Map<String, WebElement> formGroups() {
        Map<String, WebElement> groups = new LinkedHashMap<>();
        for (WebElement group : browser.driver.findElements(By.cssSelector("div.pf-v5-c-form__group"))) {
            List<WebElement> label = group.findElements(By.cssSelector(".pf-v5-c-form__label-text"));
            if (!label.isEmpty()) {
                groups.put(label.get(0).getText().strip(), group);
            }
        }
        return groups;
    }

    /**
     * Opens the field's help popover, as an operator clicks the (?) icon, and returns what it says: {@code expected}
     * once a popover shows it, else what the popovers showed after 5 s. The popover is closed with Escape; the next
     * field's popover is told apart by its text, so the test need not wait for this one's closing animation.
     */
    private String helpText(WebElement group, String expected, String screenshot) {
        WebElement help = group.findElement(By.cssSelector("button.pf-v5-c-form__group-label-help"));
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        js.executeScript("arguments[0].scrollIntoView({block: 'center'})", help);
        js.executeScript("arguments[0].click()", help); // a closing popover may still cover the icon
        List<String> shown = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!shown.contains(expected) && System.nanoTime() < deadline) {
            shown.clear();
            for (WebElement body : browser.driver.findElements(By.cssSelector(".pf-v5-c-popover .pf-v5-c-popover__body"))) {
                try {
                    shown.add(body.getText());
                } catch (StaleElementReferenceException gone) {
                    // a popover that closed meanwhile
                }
            }
        }
        if (screenshot != null) {
            browser.screenshot(screenshot);
        }
        new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
        return shown.contains(expected) ? expected : String.join(" | ", shown);
    }

    @Test
    void formShowsEveryConfigKeyWithItsLabelHelpTextAndDefault() {
        browser.driver.manage().window().setSize(new Dimension(1280, 1900));
        openProvider("app-users");
        browser.screenshot("admin-form");

        Map<String, WebElement> groups = formGroups();
        SoftAssertions softly = new SoftAssertions();
        for (ProviderConfigProperty property : ConfigProperties.all()) {
            WebElement group = groups.get(property.getLabel());
            softly.assertThat(group).as("form field labelled '%s' (%s)", property.getLabel(), property.getName())
                    .isNotNull();
            if (group == null) {
                continue;
            }
            softly.assertThat(group.isDisplayed()).as("'%s' is visible", property.getLabel()).isTrue();
            String screenshot = property.getName().equals(ConfigKeys.PASSWORD_HASH_COLUMN) ? "admin-form-help" : null;
            softly.assertThat(helpText(group, property.getHelpText(), screenshot)).as("help popover of '%s'", property.getLabel())
                    .isEqualTo(property.getHelpText());
            softly.assertThat(group.findElements(By.cssSelector(".pf-v5-c-form__label-required")).isEmpty())
                    .as("'%s' marked required", property.getLabel()).isEqualTo(!property.isRequired());
            if (ConfigKeys.CHANGE_FEED.equals(property.getName())) {
                // the status the component's save wrote for this NO_CACHE component, not a default
                softly.assertThat(group.findElement(By.id("config." + property.getName())).getAttribute("value"))
                        .as("change feed status").startsWith("not needed: cachePolicy NO_CACHE");
            } else if (ConfigKeys.READINESS.equals(property.getName())) {
                // the PostgreSQL server leaves appdb out of Keycloak's readiness check, as the README says
                softly.assertThat(group.findElement(By.id("config." + property.getName())).getAttribute("value"))
                        .as("readiness status").startsWith("independent of the app database");
            } else if (ConfigKeys.HASH_UPGRADES.equals(property.getName())) {
                softly.assertThat(group.findElement(By.id("config." + property.getName())).getAttribute("value"))
                        .as("old hashes status").isEqualTo("not rewritten: READ_ONLY never writes the app's hashes");
            } else if (ProviderConfigProperty.STRING_TYPE.equals(property.getType())) {
                String expected = property.getDefaultValue() == null ? "" : property.getDefaultValue().toString();
                softly.assertThat(group.findElement(By.id("config." + property.getName())).getAttribute("value"))
                        .as("value shown for '%s'", property.getLabel()).isEqualTo(expected);
            }
        }
        softly.assertAll();
    }

    @Test
    void saveOnAnExistingProviderStoresTheChangeAndNeverSendsImportEnabledTrue() {
        String id = AdminClient.expect(realm.admin.createFederation(realm.name, "app-users-save", ItRealm.config()),
                201, "second component").header("Location").replaceAll(".*/", "");
        openProvider("app-users-save");
        ((JavascriptExecutor) browser.driver).executeScript(RECORD_FETCH);

        type(By.id("config.queryTimeoutSeconds"), "9");
        browser.driver.findElement(By.cssSelector("[data-testid=custom-save]")).click();

        WebElement alert = browser.visible(By.cssSelector(".pf-v5-c-alert"));
        browser.screenshot("admin-form-saved");
        assertThat(alert.getText()).contains("User federation provider successfully saved");
        JsonNode put = sentRequest("PUT", "/components/" + id);
        System.out.println("Admin console PUT importEnabled=" + put.at("/config/importEnabled"));
        assertThat(put.at("/config/importEnabled/0").asText("absent")).isNotEqualTo("true");
        assertThat(realm.admin.component(realm.name, id).at("/config/queryTimeoutSeconds/0").asText()).isEqualTo("9");
    }

    @Test
    void tableThatIsNotThereIsRefusedNamingTheTablesThereAre() {
        String id = AdminClient.expect(realm.admin.createFederation(realm.name, "app-users-typo", ItRealm.config()),
                201, "third component").header("Location").replaceAll(".*/", "");
        openProvider("app-users-typo");

        type(By.id("config.userTable"), "users");
        browser.driver.findElement(By.cssSelector("[data-testid=custom-save]")).click();

        WebElement alert = browser.visible(By.cssSelector(".pf-v5-c-alert.pf-m-danger"));
        browser.screenshot("admin-form-table-not-found");
        System.out.println("Admin console alert: " + alert.getText());
        assertThat(alert.getText()).contains("userTable: table users not found in public; tables are: ")
                .contains("user_role");
        assertThat(realm.admin.component(realm.name, id).at("/config/userTable/0").asText("user")).isEqualTo("user");
    }

    /** Replaces a field's value, as an operator selects it all and types. */
    private void type(By field, String value) {
        WebElement input = browser.visible(field);
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", input);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), value);
    }

    private JsonNode sentRequest(String method, String pathEnd) {
        String sent = (String) ((JavascriptExecutor) browser.driver).executeScript(
                "return JSON.stringify(window.__sent)");
        for (JsonNode request : parse(sent)) {
            if (method.equals(request.path("method").asText()) && request.path("url").asText().endsWith(pathEnd)) {
                return parse(request.get("body").asText());
            }
        }
        throw new AssertionError("the console sent no " + method + " .../" + pathEnd + ": " + sent);
    }

    private static JsonNode parse(String json) {
        return new Http.Response(200, json, null).json();
    }
}
