package dev.appusers.keycloak.lockout;

import org.keycloak.models.UserModel;

/**
 * Keycloak's permanent lockout of an app user (brute-force detection, "Lockout permanently"), kept in Keycloak and
 * never written to the app's tables: the failures are counted by Keycloak, the unlock is the Keycloak admin's, and an
 * attacker guessing passwords at Keycloak must not be able to deactivate accounts in the app itself (nor fail to be
 * locked out because the app's database is read-only or down). A user is signed in only while both the app says
 * enabled and Keycloak's lockout does not hold, as Keycloak's LDAP federation keeps a read-only directory user's
 * lockout in Keycloak's own copy.
 *
 * <p>Keycloak 26.4 to 26.7 lock a user out on its brute-force thread ({@code DefaultBruteForceProtector}, in a job
 * transaction of its own) with {@code user.setEnabled(false)}, then {@code setSingleAttribute("disabledReason",
 * "permanentLockout")}; the admin unlocks with {@code setEnabled(true)}, after which Keycloak removes that attribute.
 * {@code setEnabled} carries no reason, so the lockout is told from an admin's "disable" by its caller: Keycloak's
 * brute-force protector on the call stack.
 */
public final class KeycloakLockout {

    /** Keycloak's attribute naming why a user is disabled ({@code UserModel.DISABLED_REASON}). */
    public static final String REASON_ATTRIBUTE = UserModel.DISABLED_REASON;
    /** Its value for a permanent lockout ({@code BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT}). */
    public static final String PERMANENT_LOCKOUT = "permanentLockout";

    private static final String PROTECTOR = "org.keycloak.services.managers.BruteForceProtector";
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private KeycloakLockout() {
    }

    /** Whether a user with this {@code disabledReason} is locked out by Keycloak. */
    public static boolean holds(String reason) {
        return PERMANENT_LOCKOUT.equals(reason);
    }

    /**
     * Whether the {@code setEnabled(false)} being run is Keycloak's brute-force protector locking the user out (and not
     * an admin or the app disabling it). Walks the stack: only {@code setEnabled(false)} asks, which is rare.
     */
    public static boolean isLockingOut() {
        return STACK.walk(frames -> frames.anyMatch(frame -> isProtector(frame.getDeclaringClass())));
    }

    /** Whether {@code type} is a Keycloak {@code BruteForceProtector} (Keycloak's own or one extending it). */
    static boolean isProtector(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> contract : c.getInterfaces()) {
                if (contract.getName().equals(PROTECTOR)) {
                    return true;
                }
            }
        }
        return false;
    }
}
