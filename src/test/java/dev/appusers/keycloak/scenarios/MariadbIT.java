package dev.appusers.keycloak.scenarios;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import dev.appusers.keycloak.it.Target;

/** The scenarios of the MariaDB targets, which share one server: {@link Target#MARIADB} and its cache-policy variants. */
@Suite
@SelectClasses({MariadbIT.NoCache.class, MariadbIT.DefaultCache.class, MariadbIT.MaxLifespan.class})
@IncludeClassNamePatterns(".*")
public class MariadbIT extends ServerSuite {

    /** {@link Target#MARIADB}. */
    @Suite
    @SelectPackages("dev.appusers.keycloak.scenarios")
    @IncludeClassNamePatterns(".*Scenarios")
    @IncludeTags(Target.Tags.MARIADB)
    @ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.MARIADB)
    public static class NoCache {
    }

    /** {@link Target#MARIADB_DEFAULT_CACHE}. */
    @Suite
    @SelectPackages("dev.appusers.keycloak.scenarios")
    @IncludeClassNamePatterns(".*Scenarios")
    @IncludeTags(Target.Tags.MARIADB_DEFAULT_CACHE)
    @ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.MARIADB_DEFAULT_CACHE)
    public static class DefaultCache {
    }

    /** {@link Target#MARIADB_MAX_LIFESPAN}. */
    @Suite
    @SelectPackages("dev.appusers.keycloak.scenarios")
    @IncludeClassNamePatterns(".*Scenarios")
    @IncludeTags(Target.Tags.MARIADB_MAX_LIFESPAN)
    @ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.MARIADB_MAX_LIFESPAN)
    public static class MaxLifespan {
    }
}
