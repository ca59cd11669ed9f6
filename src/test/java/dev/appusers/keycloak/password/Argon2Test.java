package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Argon2 PHC strings: reference vectors, versions, types, associated data. */
class Argon2Test {

    private final Argon2 scheme = new Argon2(Argon2.DEFAULT_MEMORY_KIB, Argon2.DEFAULT_ITERATIONS,
            Argon2.DEFAULT_PARALLELISM);

    @ParameterizedTest
    @ValueSource(strings = {
        // phc-winner-argon2 src/test.c, password "password", salt "somesalt"
        "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
        "$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ",
        "$argon2i$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"})
    void referenceVectors(String hash) {
        assertThat(scheme.verify("password", hash)).isTrue();
        assertThat(scheme.verify("passwore", hash)).isFalse();
    }

    @Test
    void referenceMismatchVector() {
        // phc-winner-argon2: this is the hash of "passwore"
        assertThat(scheme.verify("password",
                "$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$b2G3seW+uPzerwQQC+/E1K50CLLO7YXy0JRcaTuswRo")).isFalse();
    }

    @Test
    void argon2dAndAssociatedDataAndDigestLengthFromTheHash() {
        byte[] salt = "saltsaltsalt".getBytes(StandardCharsets.US_ASCII);
        byte[] data = "context".getBytes(StandardCharsets.US_ASCII);
        String d = "$argon2d$v=19$m=64,t=3,p=2$" + PasslibBase64.encodeStandard(salt) + "$"
                + PasslibBase64.encodeStandard(bc(Argon2Parameters.ARGON2_d, salt, null, 24));
        assertThat(scheme.verify("pw", d)).isTrue();
        assertThat(scheme.verify("pW", d)).isFalse();

        String withData = "$argon2id$v=19$m=64,t=3,p=2,data=" + PasslibBase64.encodeStandard(data) + "$"
                + PasslibBase64.encodeStandard(salt) + "$"
                + PasslibBase64.encodeStandard(bc(Argon2Parameters.ARGON2_id, salt, data, 40));
        assertThat(scheme.verify("pw", withData)).isTrue();
        assertThat(scheme.verify("pw", withData.replace(",data=" + PasslibBase64.encodeStandard(data), ""))).isFalse();
    }

    private static byte[] bc(int type, byte[] salt, byte[] data, int length) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(type)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(64).withIterations(3)
                .withParallelism(2).withSalt(salt);
        if (data != null) {
            builder.withAdditional(data);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes("pw".getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    @Test
    void recognisesTheThreeTypesOnly() {
        assertThat(scheme.recognises("$argon2id$v=19$")).isTrue();
        assertThat(scheme.recognises("$argon2i$v=19$")).isTrue();
        assertThat(scheme.recognises("$argon2d$v=19$")).isTrue();
        assertThat(scheme.recognises("$argon2ds$v=16$")).isFalse();
        assertThat(scheme.recognises("$argon2$")).isFalse();
        assertThat(scheme.recognises(null)).isFalse();
    }
}
