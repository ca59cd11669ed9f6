package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Passwords over 4096 UTF-8 bytes (passlib's limit) are refused before any hashing, verifying and hashing. */
class PasswordLengthTest {

    private static final HashingScheme PBKDF2 = PasswordSchemes.hashingScheme("pbkdf2-sha256", Map.of("rounds", "1"));

    @Test
    void utf8LengthCountsBytes() {
        assertThat(Secrets.utf8Length("a".repeat(4096))).isEqualTo(4096);
        assertThat(Secrets.utf8Length("é".repeat(2048))).isEqualTo(4096);
        assertThat(Secrets.utf8Length("€".repeat(1366))).isEqualTo(4098);
        assertThat(Secrets.utf8Length("😀".repeat(1024))).isEqualTo(4096);
        assertThat(PasswordSchemes.isTooLong("😀".repeat(1025))).isTrue();
        assertThat(PasswordSchemes.isTooLong("x".repeat(10_000_000))).isTrue();
    }

    @Test
    void aPasswordOfExactly4096BytesIsHashedAndVerified() {
        for (String password : new String[] {"a".repeat(4096), "é".repeat(2048), "😀".repeat(1024)}) {
            String hash = PBKDF2.hash(password);
            assertThat(PasswordSchemes.defaults().verify(password, hash)).isEqualTo(Verification.MATCH);
        }
    }

    @Test
    void aLongerPasswordIsRefusedOnBothPaths() {
        String hash = PBKDF2.hash("short");
        for (String password : new String[] {"a".repeat(4097), "€".repeat(1366), "x".repeat(1_000_000)}) {
            assertThat(PasswordSchemes.defaults().verify(password, hash)).isEqualTo(Verification.PASSWORD_TOO_LONG);
            assertThat(PBKDF2.verify(password, hash)).isFalse();
            assertThatThrownBy(() -> PBKDF2.hash(password)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("password is longer than 4096 UTF-8 bytes");
        }
    }

    @Test
    void aLongPasswordAgainstAnExpensiveShaCryptHashCostsNothing() {
        HashSamples.Sample sample = HashSamples.byPassword("s512-pw"); // 656000 rounds
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        assertThat(PasswordSchemes.defaults().verify("p".repeat(100_000), sample.hash()))
                .isEqualTo(Verification.PASSWORD_TOO_LONG);
        // CPU time, not wall time: 656000 SHA-512 rounds over 100 KB would be minutes of CPU
        assertThat((cpu.getCurrentThreadCpuTime() - start) / 1_000_000).as("CPU ms").isLessThan(100);
    }
}
