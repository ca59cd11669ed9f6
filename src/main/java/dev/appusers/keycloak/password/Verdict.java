package dev.appusers.keycloak.password;

/**
 * A {@link Verification} with the reason of a refusal, for the log.
 *
 * @param verification the outcome
 * @param reason for {@link Verification#MALFORMED_HASH}, {@link Verification#OVER_LIMIT} and
 *     {@link Verification#BUSY}: what was wrong (the scheme, the parameter, the ceiling), never the hash or the
 *     password; otherwise empty
 */
public record Verdict(Verification verification, String reason) {

    static Verdict of(Verification verification) {
        return new Verdict(verification, "");
    }
}
