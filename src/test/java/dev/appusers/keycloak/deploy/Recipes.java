package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;

import dev.appusers.keycloak.config.ConfigDefaults;
import dev.appusers.keycloak.config.ConfigKeys;

/** What the recipes must agree with: pom.xml and the default datasource name. */
final class Recipes {

    private Recipes() {
    }

    static String pom(String xpath) {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
            return XPathFactory.newInstance().newXPath().evaluate(xpath, pom).strip();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + xpath + " from pom.xml", e);
        }
    }

    /** pom.xml's {@code keycloak.version}: the distribution the tests, the demo and the recipes run. */
    static String keycloakVersion() {
        return pom("/project/properties/keycloak.version");
    }

    /** The jar Maven builds, relative to the project: {@code target/<artifactId>-<version>.jar}. */
    static String jar() {
        return "target/" + pom("/project/artifactId") + "-" + pom("/project/version") + ".jar";
    }

    /**
     * The build option that leaves the jar's datasource out of Keycloak's readiness check, {@code
     * db-health-exclude-appdb} (README, "Install"): every recipe of the Keycloak line pom.xml names sets it to true, or
     * an app database outage turns {@code /health/ready} DOWN and a readiness probe takes every pod out of service.
     */
    static String readinessExclusion() {
        return "db-health-exclude-" + datasource();
    }

    /** The named datasource a component uses unless it names another: {@code appdb}. */
    static String datasource() {
        return ConfigDefaults.of(ConfigKeys.DATASOURCE);
    }
}
