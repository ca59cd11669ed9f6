package dev.appusers.keycloak.password;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cheap writing scheme (pbkdf2 with one round) that counts its verifications, each holding a slot of the limiter at
 * least a given time.
 */
public final class CountingScheme implements HashingScheme {

    private final HashingScheme real = PasswordSchemes.hashingScheme("pbkdf2-sha256", Map.of("rounds", "1"));
    private final long verifyMillis;
    public final AtomicInteger verifications = new AtomicInteger();

    /** @param verifyMillis how long each verification takes at least (0: as long as one round of pbkdf2) */
    public CountingScheme(long verifyMillis) {
        this.verifyMillis = verifyMillis;
    }

    @Override public String id() { return real.id(); }
    @Override public boolean recognises(String encodedHash) { return real.recognises(encodedHash); }
    @Override public String hash(String password, CostLimits limits) { return real.hash(password, limits); }
    @Override public void checkCost(CostLimits limits) { real.checkCost(limits); }
    @Override public java.util.List<String> currentPrefixes() { return real.currentPrefixes(); }
    @Override public String form() { return real.form(); }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        verifications.incrementAndGet();
        if (verifyMillis == 0) {
            return real.verify(password, encodedHash, limits);
        }
        // the given time in a slot of the given limits, as one computation (what an observer of them is told)
        limits.occupy(real.id(), 0, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(verifyMillis));
        return real.verify(password, encodedHash, CostLimits.defaults());
    }
}
