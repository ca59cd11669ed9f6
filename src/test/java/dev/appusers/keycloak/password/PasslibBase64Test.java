package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The base64 flavours of the hash formats. */
class PasslibBase64Test {

    private static final byte[] BYTES = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x00, 0x10, (byte) 0x83};

    @Test
    void adaptedUsesDotForPlusWithoutPadding() {
        assertThat(PasslibBase64.encodeStandard(BYTES)).isEqualTo("+/+/ABCD");
        assertThat(PasslibBase64.encodeAdapted(BYTES)).isEqualTo("././ABCD");
        assertThat(PasslibBase64.decodeAdapted("././ABCD")).isEqualTo(BYTES);
        assertThat(PasslibBase64.decodeAdapted("+/+/ABCD")).isEqualTo(BYTES);
        assertThat(PasslibBase64.encodeStandard(new byte[] {1})).isEqualTo("AQ");
        assertThat(PasslibBase64.decodeStandard("AQ")).containsExactly(1);
        assertThat(PasslibBase64.decodeStandard("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AQ==", "A", "AQ!", "A Q", "AQ-_", "ABCDE"})
    void standardRefusesPaddingBadCharactersAndLengths(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> PasslibBase64.decodeStandard(text))
                .withMessageNotContaining(text);
    }

    @Test
    void bcryptSaltDecodesSixteenBytes() {
        // "......................" is all zero bits; "O" ends a canonical salt (low 4 bits zero)
        assertThat(PasslibBase64.decodeBcryptSalt("......................")).hasSize(16).containsOnly(0);
        assertThat(PasslibBase64.decodeBcryptSalt("/OOOOOOOOOOOOOOOOOOOOO")).hasSize(16);
        assertThat(PasslibBase64.isCanonicalBcryptSaltEnd('O')).isTrue();
        assertThat(PasslibBase64.isCanonicalBcryptSaltEnd('P')).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> PasslibBase64.decodeBcryptSalt("short"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PasslibBase64.decodeBcryptSalt("+OOOOOOOOOOOOOOOOOOOOO"));
    }
}
