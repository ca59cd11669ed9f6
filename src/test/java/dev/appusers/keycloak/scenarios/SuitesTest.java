package dev.appusers.keycloak.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.Suite;

import dev.appusers.keycloak.it.Target;

/**
 * The suites run every scenario class on exactly the targets it names, and nothing twice: discovered as Failsafe
 * discovers them (no Keycloak starts), each test method of a class counted once per target. A suite holds the targets
 * of one Keycloak server configuration, so no suite starts a second server.
 */
class SuitesTest {

    static final String PACKAGE = "dev.appusers.keycloak.scenarios";

    /** (scenario class, target) -> test methods, as the suites discover them. */
    static Map<String, Integer> discovered;
    /** top-level suite -> its targets. */
    static Map<String, Set<Target>> suiteTargets;

    @BeforeAll
    static void discover() {
        discovered = new TreeMap<>();
        suiteTargets = new TreeMap<>();
        for (Class<?> suite : suites()) {
            TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(suite)).build());
            Set<Target> targets = EnumSet.noneOf(Target.class);
            for (TestIdentifier root : plan.getRoots()) {
                for (TestIdentifier method : plan.getDescendants(root)) {
                    if (method.getSource().filter(MethodSource.class::isInstance).isEmpty()) {
                        continue;
                    }
                    MethodSource source = (MethodSource) method.getSource().get();
                    Target target = targetOf(plan, method).orElseThrow(() -> new AssertionError(
                            source + " runs in " + suite.getSimpleName() + " without a target"));
                    targets.add(target);
                    String className = source.getClassName();
                    discovered.merge(className.substring(className.lastIndexOf('.') + 1) + " on " + target, 1,
                            Integer::sum);
                }
            }
            suiteTargets.put(suite.getSimpleName(), targets);
        }
    }

    /** The target of the innermost suite {@code id} runs in. */
    private static Optional<Target> targetOf(TestPlan plan, TestIdentifier id) {
        for (Optional<TestIdentifier> p = plan.getParent(id); p.isPresent(); p = plan.getParent(p.get())) {
            Optional<Class<?>> suite = p.get().getSource().filter(ClassSource.class::isInstance)
                    .<Class<?>>map(s -> ((ClassSource) s).getJavaClass())
                    .filter(c -> AnnotationSupport.isAnnotated(c, Suite.class));
            Optional<String> value = suite.flatMap(c -> AnnotationSupport.findRepeatableAnnotations(c,
                    ConfigurationParameter.class).stream().filter(a -> a.key().equals(Target.PROPERTY))
                    .map(ConfigurationParameter::value).findFirst());
            if (value.isPresent()) {
                return value.map(Target::of);
            }
        }
        return Optional.empty();
    }

    /** The suites Failsafe runs: the top-level {@code *IT} classes of this package. */
    static List<Class<?>> suites() {
        return ReflectionSupport.findAllClassesInPackage(PACKAGE, c -> c.getEnclosingClass() == null
                && c.getSimpleName().endsWith("IT"), n -> true);
    }

    @Test
    void everyScenarioRunsOnTheTargetsItNamesAndNoOther() {
        List<Class<?>> scenarios = ReflectionSupport.findAllClassesInPackage(PACKAGE,
                c -> c.getSimpleName().endsWith("Scenarios") && !Modifier.isAbstract(c.getModifiers()), n -> true);
        assertThat(scenarios).hasSizeGreaterThan(40);
        Map<String, Set<Target>> expected = new TreeMap<>();
        Map<String, Set<Target>> actual = new TreeMap<>();
        for (Class<?> scenario : scenarios) {
            Set<String> tags = AnnotationSupport.findRepeatableAnnotations(scenario, Tag.class).stream()
                    .map(Tag::value).collect(Collectors.toSet());
            Set<Target> named = Arrays.stream(Target.values()).filter(t -> tags.contains(t.tag()))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Target.class)));
            assertThat(named).as(scenario.getSimpleName() + " names its targets").isNotEmpty();
            expected.put(scenario.getSimpleName(), named);
            actual.put(scenario.getSimpleName(), EnumSet.noneOf(Target.class));
        }
        discovered.keySet().forEach(key -> {
            String[] parts = key.split(" on ");
            actual.computeIfAbsent(parts[0], k -> EnumSet.noneOf(Target.class)).add(Target.valueOf(parts[1]));
        });
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aSuiteRunsTheTargetsOfOneServerConfiguration() {
        assertThat(suiteTargets.values().stream().flatMap(Set::stream).toList())
                .as("each target in one suite, every target in some suite")
                .containsExactlyInAnyOrder(Target.values());
        suiteTargets.forEach((suite, targets) -> assertThat(targets.stream()
                .map(t -> t.sharedServer() ? t.db() + " " + t.line() + " " + t.production() : t.name())
                .distinct()).as(suite).hasSize(1));
    }

    @Test
    void everyTargetsTagIsItsConstant() throws ReflectiveOperationException {
        Map<String, String> constants = new HashMap<>();
        for (var field : Target.Tags.class.getFields()) {
            constants.put(field.getName(), (String) field.get(null));
        }
        Map<String, String> tags = new HashMap<>();
        for (Target target : Target.values()) {
            tags.put(target.name(), target.tag());
            assertThat(Target.of(target.tag())).isEqualTo(target);
        }
        assertThat(constants).isEqualTo(tags);
    }

    @Test
    void noIntegrationTestClassButTheSuites() {
        List<String> others = new ArrayList<>();
        ReflectionSupport.findAllClassesInPackage("dev.appusers.keycloak", c -> c.getEnclosingClass() == null
                && c.getSimpleName().endsWith("IT"), n -> true).stream()
                .filter(c -> !AnnotationSupport.isAnnotated(c, Suite.class) || !c.getPackageName().equals(PACKAGE))
                .forEach(c -> others.add(c.getName()));
        assertThat(others).as("Failsafe runs every *IT class; the scenarios run from the suites").isEmpty();
        assertThat(new TreeSet<>(suites().stream().map(Class::getSimpleName).toList())).isEqualTo(suiteTargets.keySet());
    }
}
