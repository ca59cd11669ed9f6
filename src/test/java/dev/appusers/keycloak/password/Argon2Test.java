package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Made by argon2-cffi 21.1.0 (libargon2 20190702, Debian's python3-argon2) with {@code argon2.low_level
     * .hash_secret}: every type, both versions, odd memory sizes (not multiples of 4p), 1 to 8 lanes, 8- to 24-byte
     * salts and 4- to 100-byte digests; the password is {@code pw-<type>-<m>-ä}.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "$argon2id$v=19$m=1000,t=1,p=3$qBj/l7i/aXi9coY49NNBkP06WPa4l9TC$/6ZNFypGwNXUhNob8nGB+A",
        "$argon2i$v=19$m=257,t=3,p=2$ec1igs61CFAfiB4wDhT5bA$6aw7V6Y6A6tLP6fEL5u3dK6L96AeZvmgXzduGW5Be8A",
        "$argon2d$v=19$m=96,t=4,p=4$E0I88o+Cr/+HIfCg46QQ9r7OfwjCUvZ3$L6Zpkvz+Rr0JD3epXNBKMbCcB6c",
        "$argon2id$v=16$m=512,t=2,p=5$ihAySf+HTIo9zshbwg4kMw$2s1DECyb9yKcwPqvIMI6xCFGdWrj7uq7sk1SrhiAqrhWgSFVeb5dXjoUzKf0"
                + "87wkAK7cZoLkFuWHWQauEN5LQQ",
        "$argon2i$v=16$m=130,t=2,p=1$xtqF4sP3f+SXDZGd9sdqgwS5AtmY9Xek$zih4Z1aVJlYzbJXZ/XpTDA",
        "$argon2d$v=16$m=800,t=1,p=7$ZElfqEkc5Y9fqk5jHzx69o5l6b6gYN66$z/DD8YjC+OOhtRd+mlZ6NRj7VG8jpb6yH4PEF4Zp+zsQ+dlz"
                + "y/bw32DxKZ0U5HQ7mN4C2gEIJdQqThT0cVFE0gsnfEpxp6EgPpLyUClKEZ0vMojCc7AV5DFn/iX+LdL6VQY7ZA",
        "$argon2id$v=19$m=4096,t=1,p=8$yxAhm/PsRvqL2wQEWxbKXOp3nzp6SSRh$Uj8Z6+dzn/Ah7M18wcqXhg",
        "$argon2id$v=19$m=64,t=6,p=1$4PBKYoZB0QCjpP6NtYORRidg2NkOgFMt$IxouUg"})
    void argon2CffiHashesOfEveryShape(String hash) {
        Matcher m = Pattern.compile("\\$argon2(id|i|d)\\$v=\\d+\\$m=(\\d+),.*").matcher(hash);
        assertThat(m.matches()).isTrue();
        String password = "pw-" + m.group(1) + "-" + m.group(2) + "-\u00e4";
        assertThat(scheme.verify(password, hash)).isTrue();
        assertThat(scheme.verify(password + " ", hash)).isFalse();
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
