package dev.appusers.keycloak.jdbc;

import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.transaction.JtaTransactionManagerLookup;

/**
 * Keycloak's JTA transaction set aside for one read of the app database, so that the read takes a connection that is
 * not enlisted (no two-phase commit for a read), and put back afterwards. A session without JTA suspends nothing.
 */
final class SuspendedTransaction implements AutoCloseable {

    private final TransactionManager manager;
    private final Transaction suspended;

    private SuspendedTransaction(TransactionManager manager, Transaction suspended) {
        this.manager = manager;
        this.suspended = suspended;
    }

    /** Suspends {@code session}'s JTA transaction, if it has one; {@link #close} resumes it. */
    static SuspendedTransaction of(KeycloakSession session) {
        JtaTransactionManagerLookup lookup = session.getProvider(JtaTransactionManagerLookup.class);
        TransactionManager manager = lookup == null ? null : lookup.getTransactionManager();
        if (manager == null) {
            return new SuspendedTransaction(null, null);
        }
        try {
            return new SuspendedTransaction(manager, manager.suspend());
        } catch (Exception e) {
            throw new ModelException("Keycloak's transaction could not be suspended for a read of the app database", e);
        }
    }

    @Override
    public void close() {
        if (manager == null || suspended == null) {
            return;
        }
        try {
            manager.resume(suspended);
        } catch (Exception e) {
            throw new ModelException("Keycloak's transaction could not be resumed after a read of the app database", e);
        }
    }
}
