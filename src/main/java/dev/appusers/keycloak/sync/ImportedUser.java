package dev.appusers.keycloak.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.keycloak.models.UserModel;

/**
 * How an app user is recognised in Keycloak's own database once imported: its Keycloak id is derived from the
 * component and the app's UUID (so a lookup by app user is a primary-key read, and two realms importing the same app
 * never collide), and two attributes carry the app's id and a fingerprint of the app's password hash.
 */
public final class ImportedUser {

    /** The app user's UUID, as LDAP keeps {@code LDAP_ID}. */
    public static final String APP_ID_ATTRIBUTE = "APP_USERS_ID";
    /**
     * SHA-256 of the app's hash at the last import: a changed hash (a new password in the app) replaces the Keycloak
     * credential, an unchanged one leaves Keycloak's re-hashed credential alone.
     */
    public static final String HASH_FINGERPRINT_ATTRIBUTE = "APP_USERS_HASH_FINGERPRINT";

    private ImportedUser() {
    }

    public static String keycloakId(String componentId, String appId) {
        return UUID.nameUUIDFromBytes(("app-users:" + componentId + ":" + appId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static String appId(UserModel user) {
        return user.getFirstAttribute(APP_ID_ATTRIBUTE);
    }

    /**
     * Records that the user's Keycloak password now stands for the app hash {@code appHash} (written by Keycloak in
     * WRITABLE mode), so the next import of the row leaves the Keycloak credential alone.
     */
    public static void rememberAppHash(UserModel user, String appHash) {
        user.setSingleAttribute(HASH_FINGERPRINT_ATTRIBUTE, fingerprint(appHash));
    }

    /**
     * Set in WRITABLE mode once the app hash of the fingerprint above was found, or made, in the configured form
     * ({@code upgradeHashesOnLogin}): the form and that fingerprint, so sign-ins read nothing more from the app until
     * either changes.
     */
    public static final String HASH_CURRENT_ATTRIBUTE = "APP_USERS_HASH_CURRENT";

    /** Whether Keycloak's copy of the user has a fingerprint of an app hash. */
    public static boolean hasAppHash(UserModel user) {
        String imported = user.getFirstAttribute(HASH_FINGERPRINT_ATTRIBUTE);
        return imported != null && !imported.isEmpty();
    }

    /** Whether {@code appHash} is the app hash Keycloak's copy of the user stands for. */
    public static boolean standsFor(UserModel user, String appHash) {
        String fingerprint = fingerprint(appHash);
        return !fingerprint.isEmpty() && fingerprint.equals(user.getFirstAttribute(HASH_FINGERPRINT_ATTRIBUTE));
    }

    /** Whether the app hash the user stands for was found or made current in the configured {@code form}. */
    public static boolean isMarkedCurrent(UserModel user, String form) {
        return currentMark(user, form).equals(user.getFirstAttribute(HASH_CURRENT_ATTRIBUTE));
    }

    /** Records that the app hash the user stands for is in the configured {@code form}. */
    public static void markCurrent(UserModel user, String form) {
        user.setSingleAttribute(HASH_CURRENT_ATTRIBUTE, currentMark(user, form));
    }

    private static String currentMark(UserModel user, String form) {
        return form + " " + user.getFirstAttribute(HASH_FINGERPRINT_ATTRIBUTE);
    }

    /** A one-way fingerprint of a hash (never the hash itself); {@code ""} for none. */
    static String fingerprint(String appHash) {
        if (appHash == null || appHash.isBlank()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(appHash.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
