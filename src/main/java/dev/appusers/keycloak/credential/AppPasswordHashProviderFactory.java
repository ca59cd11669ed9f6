package dev.appusers.keycloak.credential;

import org.keycloak.Config;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.credential.hash.PasswordHashProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;


/**
 * Registers one {@code app-<scheme>} password hash algorithm ({@link AppHashes#SCHEMES}); the nested classes are the
 * ones listed in {@code META-INF/services/org.keycloak.credential.hash.PasswordHashProviderFactory}.
 */
public abstract class AppPasswordHashProviderFactory implements PasswordHashProviderFactory {

    private final String id;

    protected AppPasswordHashProviderFactory(String scheme) {
        this.id = AppHashes.ALGORITHM_PREFIX + scheme;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public PasswordHashProvider create(KeycloakSession session) {
        return new AppPasswordHashProvider(id, session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    public static final class Argon2 extends AppPasswordHashProviderFactory {
        public Argon2() { super("argon2"); }
    }

    public static final class Bcrypt extends AppPasswordHashProviderFactory {
        public Bcrypt() { super("bcrypt"); }
    }

    public static final class BcryptSha256 extends AppPasswordHashProviderFactory {
        public BcryptSha256() { super("bcrypt-sha256"); }
    }

    public static final class Pbkdf2Sha256 extends AppPasswordHashProviderFactory {
        public Pbkdf2Sha256() { super("pbkdf2-sha256"); }
    }

    public static final class Pbkdf2Sha512 extends AppPasswordHashProviderFactory {
        public Pbkdf2Sha512() { super("pbkdf2-sha512"); }
    }

    public static final class Sha256Crypt extends AppPasswordHashProviderFactory {
        public Sha256Crypt() { super("sha256-crypt"); }
    }

    public static final class Sha512Crypt extends AppPasswordHashProviderFactory {
        public Sha512Crypt() { super("sha512-crypt"); }
    }
}
