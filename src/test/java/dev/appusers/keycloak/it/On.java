package dev.appusers.keycloak.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The targets a scenario class runs on, one annotation each, on the class: {@code @On.Mariadb @On.PostgresOldest class
 * LoginScenarios}. Each is the target's tag (the suites select by it) and {@link TargetExtension}, which tells the
 * class which target it runs on ({@link Target#current()}).
 */
public final class On {

    private On() {
    }

    /** {@link Target#POSTGRES}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.POSTGRES)
    @ExtendWith(TargetExtension.class)
    public @interface Postgres {
    }

    /** {@link Target#MARIADB}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.MARIADB)
    @ExtendWith(TargetExtension.class)
    public @interface Mariadb {
    }

    /** {@link Target#MARIADB_DEFAULT_CACHE}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.MARIADB_DEFAULT_CACHE)
    @ExtendWith(TargetExtension.class)
    public @interface MariadbDefaultCache {
    }

    /** {@link Target#MARIADB_MAX_LIFESPAN}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.MARIADB_MAX_LIFESPAN)
    @ExtendWith(TargetExtension.class)
    public @interface MariadbMaxLifespan {
    }

    /** {@link Target#POSTGRES_PREVIOUS}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.POSTGRES_PREVIOUS)
    @ExtendWith(TargetExtension.class)
    public @interface PostgresPrevious {
    }

    /** {@link Target#POSTGRES_OLDEST}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.POSTGRES_OLDEST)
    @ExtendWith(TargetExtension.class)
    public @interface PostgresOldest {
    }

    /** {@link Target#PRODUCTION}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.PRODUCTION)
    @ExtendWith(TargetExtension.class)
    public @interface Production {
    }

    /** {@link Target#PRODUCTION_DEFAULT_CACHE}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.PRODUCTION_DEFAULT_CACHE)
    @ExtendWith(TargetExtension.class)
    public @interface ProductionDefaultCache {
    }

    /** {@link Target#CLUSTER}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.CLUSTER)
    @ExtendWith(TargetExtension.class)
    public @interface Cluster {
    }

    /** {@link Target#OWN_SERVER}. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.TYPE)
    @Tag(Target.Tags.OWN_SERVER)
    @ExtendWith(TargetExtension.class)
    public @interface OwnServer {
    }
}
