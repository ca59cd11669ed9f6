package dev.appusers.keycloak.it;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * Sets {@link Target#current()} for a scenario class: the target its suite names ({@code @ConfigurationParameter(key =
 * "it.target")}), or {@code -Dit.target=} when the class runs alone, or its only target. A class never runs on a target
 * it does not name ({@link On}).
 */
public final class TargetExtension implements BeforeAllCallback, TestInstancePreConstructCallback, AfterAllCallback {

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        choose(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Target target = choose(context);
        // a failure is reported under the class's name; this line says which target it ran on
        System.out.println(context.getRequiredTestClass().getSimpleName() + " on " + target);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Target.setCurrent(null);
    }

    private static Target choose(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Set<String> tags = context.getTags();
        List<Target> declared = Arrays.stream(Target.values()).filter(t -> tags.contains(t.tag())).toList();
        Target target = context.getConfigurationParameter(Target.PROPERTY).map(Target::of).orElse(null);
        if (target == null && declared.size() == 1) {
            target = declared.get(0);
        }
        if (target == null) {
            throw new IllegalStateException(testClass.getSimpleName() + " runs on " + declared
                    + ": name one with -D" + Target.PROPERTY + "=<target>, or run its suite");
        }
        if (!declared.contains(target)) {
            throw new IllegalStateException(testClass.getSimpleName() + " does not run on " + target + "; its targets: "
                    + declared);
        }
        Target.setCurrent(target);
        return target;
    }
}
