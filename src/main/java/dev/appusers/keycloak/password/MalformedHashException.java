package dev.appusers.keycloak.password;

/**
 * Thrown by {@link PasswordScheme#verify(String, String)} when a hash carries the scheme's prefix but cannot be
 * parsed. The message names the scheme and what is wrong, and never contains the hash or any part of it. It has no
 * cause, so that no third-party message can leak hash material into a stack trace.
 */
public final class MalformedHashException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String schemeId;

    /**
     * @param schemeId the {@link PasswordScheme#id() id} of the scheme that refused the hash
     * @param problem what is wrong, in words; must not contain the hash or any part of it
     */
    public MalformedHashException(String schemeId, String problem) {
        super("Malformed " + schemeId + " hash: " + problem);
        this.schemeId = schemeId;
    }

    /** @return the id of the scheme that refused the hash */
    public String schemeId() {
        return schemeId;
    }
}
