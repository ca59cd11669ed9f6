package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lane-parallel Argon2 engine: RFC 9106 test vectors and agreement with BouncyCastle on random inputs. */
class Argon2EngineTest {

    private static byte[] repeat(int value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** RFC 9106 sections 5.1 to 5.3: m=32, t=3, p=4, password 32 x 01, salt 16 x 02, secret 8 x 03, data 12 x 04. */
    @ParameterizedTest
    @CsvSource({
        "0, 512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb",
        "1, c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8",
        "2, 0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"})
    void rfc9106Vectors(int type, String tag) {
        for (boolean parallel : new boolean[] {false, true}) {
            byte[] actual = Argon2Engine.derive(type, Argon2Engine.VERSION_13, 32, 3, 4, repeat(1, 32), repeat(2, 16),
                    repeat(3, 8), repeat(4, 12), 32, parallel);
            assertThat(HexFormat.of().formatHex(actual)).isEqualTo(tag);
        }
    }

    @Test
    void agreesWithBouncyCastleOnRandomInputs() {
        SplittableRandom random = new SplittableRandom(9106);
        for (int round = 0; round < 60; round++) {
            int type = random.nextInt(3);
            int version = random.nextBoolean() ? Argon2Engine.VERSION_13 : Argon2Engine.VERSION_10;
            int p = 1 + random.nextInt(6);
            int m = 8 * p + random.nextInt(300);
            int t = 1 + random.nextInt(4);
            int tagLength = 4 + random.nextInt(200);
            byte[] password = bytes(random, random.nextInt(40));
            byte[] salt = bytes(random, 8 + random.nextInt(24));
            byte[] data = random.nextBoolean() ? bytes(random, 1 + random.nextInt(20)) : null;
            byte[] secret = random.nextBoolean() ? bytes(random, 1 + random.nextInt(20)) : null;
            byte[] expected = bc(type, version, m, t, p, password, salt, secret, data, tagLength);
            String label = "y=" + type + " v=" + version + " m=" + m + " t=" + t + " p=" + p + " T=" + tagLength;
            assertThat(Argon2Engine.derive(type, version, m, t, p, password, salt, secret, data, tagLength, true))
                    .as(label).isEqualTo(expected);
            assertThat(Argon2Engine.derive(type, version, m, t, p, password, salt, secret, data, tagLength, false))
                    .as(label).isEqualTo(expected);
        }
    }

    @Test
    void agreesWithBouncyCastleAcrossAddressBlocksAndManyLanes() {
        // segments longer than 128 blocks (several address blocks per segment), and more lanes than processors
        byte[] password = "pw".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] salt = repeat(7, 16);
        for (int type = 0; type < 3; type++) {
            assertThat(Argon2Engine.derive(type, Argon2Engine.VERSION_13, 4096, 2, 3, password, salt, null, null, 32,
                    true)).isEqualTo(bc(type, Argon2Engine.VERSION_13, 4096, 2, 3, password, salt, null, null, 32));
        }
        assertThat(Argon2Engine.derive(Argon2Engine.ARGON2_ID, Argon2Engine.VERSION_13, 2048, 1, 16, password, salt,
                null, null, 16, true))
                .isEqualTo(bc(Argon2Engine.ARGON2_ID, Argon2Engine.VERSION_13, 2048, 1, 16, password, salt, null,
                        null, 16));
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] bc(int type, int version, int m, int t, int p, byte[] password, byte[] salt, byte[] secret,
            byte[] data, int tagLength) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(m)
                .withIterations(t).withParallelism(p).withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (data != null) {
            builder.withAdditional(data);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[tagLength];
        generator.generateBytes(password, out);
        return out;
    }
}
