package dev.appusers.keycloak.scenarios;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import dev.appusers.keycloak.it.Target;

/** The scenarios of the production-mode targets, which share one server: {@link Target#PRODUCTION} and {@link Target#PRODUCTION_DEFAULT_CACHE}. */
@Suite
@SelectClasses({ProductionIT.NoCache.class, ProductionIT.DefaultCache.class})
@IncludeClassNamePatterns(".*")
public class ProductionIT extends ServerSuite {

    /** {@link Target#PRODUCTION}. */
    @Suite
    @SelectPackages("dev.appusers.keycloak.scenarios")
    @IncludeClassNamePatterns(".*Scenarios")
    @IncludeTags(Target.Tags.PRODUCTION)
    @ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.PRODUCTION)
    public static class NoCache {
    }

    /** {@link Target#PRODUCTION_DEFAULT_CACHE}. */
    @Suite
    @SelectPackages("dev.appusers.keycloak.scenarios")
    @IncludeClassNamePatterns(".*Scenarios")
    @IncludeTags(Target.Tags.PRODUCTION_DEFAULT_CACHE)
    @ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.PRODUCTION_DEFAULT_CACHE)
    public static class DefaultCache {
    }
}
