package dev.appusers.keycloak;

import java.util.Optional;

import org.jboss.logging.Logger;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.OldHashes;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.store.ComponentMapping;

/**
 * Keeps the app's password hashes in the configured scheme and parameters (WRITABLE, {@code upgradeHashesOnLogin}),
 * as the app's own {@code CryptContext(deprecated="auto")} did at its logins before Keycloak took them over: after a
 * correct password, a hash of another scheme or other parameters is rewritten in the configured form, in Keycloak's
 * transaction, only if the row still holds the very hash that was verified. A rewrite that fails is logged once (the
 * user id and the database's code, never a hash or a password) and never fails the sign-in; the next one tries again.
 */
final class HashUpgrades {

    private static final Logger LOG = Logger.getLogger(HashUpgrades.class);

    private HashUpgrades() {
    }

    /** @return whether the component rewrites old hashes at sign-in */
    static boolean enabled(ComponentMapping mapping) {
        AppUsersConfig config = mapping.config();
        return config.writable() && config.write().upgradeHashesOnLogin() && mapping.userTable().mapsPasswordHash();
    }

    /**
     * Called once {@code password} matched {@code verifiedHash}, the hash in the row of app user {@code appId}.
     *
     * @return the new hash when one was written (for an imported user's fingerprint; never to be logged); empty when
     *     the hash is current, upgrades are off, the row changed meanwhile or the write failed
     */
    static Optional<String> afterMatch(String appId, String verifiedHash, String password, ComponentMapping mapping,
                                       AppDatabase database) {
        HashingScheme hashing = mapping.hashing();
        if (!enabled(mapping) || hashing.isCurrent(verifiedHash)) {
            return Optional.empty();
        }
        String hash;
        try {
            hash = hashing.hash(password);
        } catch (VerificationBusyException | IllegalArgumentException e) {
            LOG.debugf("User %s: password hash not rewritten as %s now: %s", appId, hashing.form(), e.getMessage());
            return Optional.empty();
        }
        try {
            int rows = database.writeAside("rewriting a password hash as " + hashing.form(),
                    c -> mapping.writer().replacePasswordHash(c, appId, verifiedHash, hash));
            if (rows == 0) {
                LOG.debugf("User %s: the app changed the password hash since it was verified; not rewritten", appId);
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            LOG.warnf("User %s signed in, but the app's password hash was not rewritten as %s (tried again at the "
                    + "next sign-in): %s", appId, hashing.form(), e.getMessage());
            return Optional.empty();
        }
        LOG.debugf("User %s: password hash rewritten as %s", appId, hashing.form());
        return Optional.of(hash);
    }

    /** How many of the app's users have a hash not in the configured form (what a meter may read). */
    static OldHashes.Count oldHashes(ComponentMapping mapping, AppDatabase database) {
        OldHashes old = new OldHashes(mapping.userTable(), mapping.config().queryTimeoutSeconds());
        return database.run("counting password hashes not in the configured form",
                c -> old.count(c, mapping.hashing().currentPrefixes()));
    }

    /** The admin form's status line, written on Save. */
    static String status(ComponentMapping mapping, AppDatabase database) {
        if (!mapping.config().writable()) {
            return "not rewritten: READ_ONLY never writes the app's hashes";
        }
        if (!mapping.userTable().mapsPasswordHash()) {
            return "not rewritten: no password hash column is mapped";
        }
        OldHashes.Count count;
        try {
            count = oldHashes(mapping, database);
        } catch (RuntimeException e) {
            return "not counted: " + e.getMessage();
        }
        String counted = count.old() + " of " + count.withHash() + " app users with a password have a hash that is "
                + "not " + mapping.hashing().form() + " (counted at this save)";
        return mapping.config().write().upgradeHashesOnLogin()
                ? counted + "; each is rewritten at the user's next sign-in"
                : counted + "; left as they are (upgradeHashesOnLogin is off)";
    }
}
