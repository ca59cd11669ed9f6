package dev.appusers.keycloak;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.PasswordSchemes;

/** A cheap writing scheme (pbkdf2 with one round) that counts its verifications, each taking at least a given time. */
final class CountingScheme implements HashingScheme {

    private final HashingScheme real = PasswordSchemes.hashingScheme("pbkdf2-sha256", Map.of("rounds", "1"));
    private final long verifyMillis;
    final AtomicInteger verifications = new AtomicInteger();

    /** @param verifyMillis how long each verification takes at least (0: as long as one round of pbkdf2) */
    CountingScheme(long verifyMillis) {
        this.verifyMillis = verifyMillis;
    }

    @Override public String id() { return real.id(); }
    @Override public boolean recognises(String encodedHash) { return real.recognises(encodedHash); }
    @Override public String hash(String password) { return real.hash(password); }
    @Override public void checkCost(CostLimits limits) { real.checkCost(limits); }
    @Override public java.util.List<String> currentPrefixes() { return real.currentPrefixes(); }
    @Override public String form() { return real.form(); }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        verifications.incrementAndGet();
        if (verifyMillis > 0) {
            try {
                Thread.sleep(verifyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return real.verify(password, encodedHash, limits);
    }
}
