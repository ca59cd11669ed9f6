package dev.appusers.keycloak.password;

/**
 * Thrown when a well-formed hash asks for more work or memory than this server allows: a parameter over a
 * {@link CostLimits} ceiling, or argon2 memory beyond the verification memory budget. Nothing has been computed or
 * allocated for it. The message names the scheme, the parameter, its value and the ceiling, never the hash.
 */
public final class HashCostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param schemeId the scheme whose hash was refused
     * @param problem the parameter, its value and the ceiling, in words; must not contain the hash
     */
    public HashCostException(String schemeId, String problem) {
        super(schemeId + " " + problem, null, false, false);
    }
}
