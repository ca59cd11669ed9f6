package dev.appusers.keycloak.jdbc;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * The number of all app users (no search), as the admin console's and the admin API's user count asks for it. An
 * exact {@code COUNT(*)} reads the whole table (50 to 200 ms for a million rows on PostgreSQL in the server benchmark), so once the
 * table holds {@value #LARGE} users or more, a count is reused for {@link #REUSE} on this node; users added or removed
 * through Keycloak drop it at once. Smaller tables are counted on every call. One per component configuration.
 */
public final class UserTotal {

    private static final Logger LOG = Logger.getLogger(UserTotal.class);

    static final int LARGE = 100_000;
    static final Duration REUSE = Duration.ofSeconds(30);

    private record Counted(int users, long atNanos) {
    }

    private final LongSupplier nanoTime;
    private volatile Counted last;

    public UserTotal() {
        this(System::nanoTime);
    }

    UserTotal(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The total, counted by {@code count} unless a large table's count is recent enough. */
    public int get(IntSupplier count) {
        Counted known = last;
        long now = nanoTime.getAsLong();
        if (known != null && now - known.atNanos() < REUSE.toNanos()) {
            return known.users();
        }
        int users = count.getAsInt();
        if (users >= LARGE) {
            LOG.debugf("%d app users: their count is reused for %d s", users, REUSE.toSeconds());
            last = new Counted(users, now);
        } else {
            last = null;
        }
        return users;
    }

    /** After a user was added or removed through Keycloak. */
    public void forget() {
        last = null;
    }
}
