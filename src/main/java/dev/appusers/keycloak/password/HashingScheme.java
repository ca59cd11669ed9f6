package dev.appusers.keycloak.password;

/**
 * A {@link PasswordScheme} that can also produce new hashes in the exact format the Python application accepts
 * (used by writable mode). Obtain one with {@link PasswordSchemes#hashingScheme(String, java.util.Map)}.
 */
public interface HashingScheme extends PasswordScheme {

    /**
     * Hashes a password with a fresh random salt and this scheme's configured cost parameters.
     *
     * @param password the clear-text password, not {@code null}
     * @return the encoded hash, e.g. {@code $argon2id$v=19$m=102400,t=2,p=8$<salt>$<digest>}
     * @throws IllegalArgumentException if the password is not valid Unicode (unpaired surrogate)
     */
    String hash(String password);
}
