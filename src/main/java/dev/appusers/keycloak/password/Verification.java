package dev.appusers.keycloak.password;

/** The outcome of {@link PasswordSchemes#verify(String, String)}. */
public enum Verification {
    /** The password matches the hash. */
    MATCH,
    /** The hash is well formed but the password does not match it. */
    MISMATCH,
    /** No known scheme recognises the hash (unknown prefix, or plain text). */
    UNKNOWN_SCHEME,
    /** The hash is missing, blank, or has a known prefix but cannot be parsed or has parameters out of range. */
    MALFORMED_HASH,
    /** The hash is well formed but over a {@link CostLimits} ceiling or the memory budget; nothing was computed. */
    OVER_LIMIT,
    /** The password is longer than {@value PasswordSchemes#MAX_PASSWORD_BYTES} UTF-8 bytes; nothing was hashed. */
    PASSWORD_TOO_LONG,
    /** No hashing slot (or memory) came free within the bounded wait; nothing was computed. */
    BUSY
}
