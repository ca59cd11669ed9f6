package dev.appusers.keycloak.jdbc;

import java.lang.reflect.Constructor;

import org.keycloak.models.ModelException;

/**
 * "The app database cannot be reached", in the form the running Keycloak understands. Keycloak 26.5 and later have
 * {@code org.keycloak.storage.StorageUnavailableException}: a user lookup that throws it makes Keycloak go on with
 * its other user stores (a federated user is then simply not found). Keycloak 26.4 has no such class, and a jar that
 * names it in its code stops 26.4 from starting; so the class is looked up once, by name, and where it is missing
 * the provider itself turns an unavailable database into "not found" for lookups ({@link #keycloakSkipsProvider()}).
 */
public final class StoreUnavailable {

    private static final String KEYCLOAK_CLASS = "org.keycloak.storage.StorageUnavailableException";
    private static final Constructor<? extends RuntimeException> KEYCLOAK_CONSTRUCTOR = keycloakConstructor();

    private StoreUnavailable() {
    }

    /** Thrown where Keycloak has no exception of its own for an unavailable store (Keycloak 26.4). */
    public static final class AppDatabaseUnavailableException extends ModelException {

        private static final long serialVersionUID = 1L;

        AppDatabaseUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @SuppressWarnings("unchecked")
    private static Constructor<? extends RuntimeException> keycloakConstructor() {
        try {
            Class<?> type = Class.forName(KEYCLOAK_CLASS, false, StoreUnavailable.class.getClassLoader());
            return (Constructor<? extends RuntimeException>) type.getConstructor(String.class, Throwable.class);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }

    /** @return whether Keycloak itself skips a provider whose lookups throw {@link #exception} (26.5 and later) */
    public static boolean keycloakSkipsProvider() {
        return KEYCLOAK_CONSTRUCTOR != null;
    }

    /** @return the exception that says the app database is unavailable, with {@code message} */
    public static RuntimeException exception(String message, Throwable cause) {
        if (KEYCLOAK_CONSTRUCTOR != null) {
            try {
                return KEYCLOAK_CONSTRUCTOR.newInstance(message, cause);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through to our own
            }
        }
        return new AppDatabaseUnavailableException(message, cause);
    }

    /** @return whether {@code e} says the app database is unavailable */
    public static boolean is(Throwable e) {
        return e instanceof AppDatabaseUnavailableException || e != null && e.getClass().getName().equals(KEYCLOAK_CLASS);
    }
}
