package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Types;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdCodecTest {

    private static final UUID ID = UUID.fromString("b7bf2d6f-b374-569f-bddd-3b5102bde3b0");

    @ParameterizedTest
    @ValueSource(strings = {"b7bf2d6f-b374-569f-bddd-3b5102bde3b0", "B7BF2D6F-B374-569F-BDDD-3B5102BDE3B0",
            "b7bf2d6fb374569fbddd3b5102bde3b0"})
    void parsesCanonicalAndHexFormsInAnyCase(String text) {
        assertThat(IdCodec.parse(text)).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "42", "b7bf2d6f-b374-569f-bddd-3b5102bde3b", "zzbf2d6fb374569fbddd3b5102bde3b0",
            "b7bf2d6f-b374-569f-bddd-3b5102bde3b0-00"})
    void refusesWhatIsNoUuid(String text) {
        assertThatThrownBy(() -> IdCodec.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void picksTheCodecFromTheColumnType() {
        assertThat(IdCodec.forColumn("k", new DbColumn("id", Types.OTHER, "uuid", 2147483647, false, false)))
                .isEqualTo(IdCodec.NATIVE_UUID);
        assertThat(IdCodec.forColumn("k", new DbColumn("id", Types.BINARY, "BINARY", 16, false, false)))
                .isEqualTo(IdCodec.BINARY_16);
        assertThat(IdCodec.forColumn("k", new DbColumn("id", Types.CHAR, "CHAR", 32, false, false)))
                .isEqualTo(IdCodec.HEX_32);
        assertThat(IdCodec.forColumn("k", new DbColumn("id", Types.VARCHAR, "VARCHAR", 36, false, false)))
                .isEqualTo(IdCodec.CANONICAL_36);
    }

    @Test
    void refusesColumnsThatHoldNoUuidNamingTheKey() {
        assertThatThrownBy(() -> IdCodec.forColumn("userIdColumn",
                new DbColumn("token_count", Types.INTEGER, "int4", 10, true, false)))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("userIdColumn: column token_count has type int4(10)");
    }

    @Test
    void binaryFormIsTheSixteenBigEndianBytes() {
        byte[] bytes = (byte[]) IdCodec.BINARY_16.toDatabase(ID);

        assertThat(bytes).hasSize(16);
        assertThat(bytes[0]).isEqualTo((byte) 0xb7);
        assertThat(bytes[15]).isEqualTo((byte) 0xb0);
        assertThat(IdCodec.HEX_32.toDatabase(ID)).isEqualTo("b7bf2d6fb374569fbddd3b5102bde3b0");
    }
}
