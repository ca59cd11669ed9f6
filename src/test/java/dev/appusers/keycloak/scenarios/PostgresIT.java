package dev.appusers.keycloak.scenarios;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import dev.appusers.keycloak.it.Target;

/** The scenarios of {@link Target#POSTGRES}, on one server. */
@Suite
@SelectPackages("dev.appusers.keycloak.scenarios")
@IncludeClassNamePatterns(".*Scenarios")
@IncludeTags(Target.Tags.POSTGRES)
@ConfigurationParameter(key = Target.PROPERTY, value = Target.Tags.POSTGRES)
public class PostgresIT extends ServerSuite {
}
