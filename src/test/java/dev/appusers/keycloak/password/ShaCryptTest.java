package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SHA-crypt against the vectors of Drepper's specification, John the Ripper and passlib. */
class ShaCryptTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Hello world!|$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "Hello world!|$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
        "This is just a test|$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5",
        "a very much longer text to encrypt.  This one even stretches over morethan one line."
                + "|$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1",
        "we have a short salt string but not a short password"
                + "|$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/",
        "a short string|$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD",
        "the minimum number is still observed|$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC",
        "with unic\u00D6de|$5$rounds=1000$IbG0EuGQXw5EkMdP$LQ5AfPf13KufFsKtmazqnzSGZ4pxtUNw3woQ.ELRDF4",
        "Hello world!|$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
        "Hello world!|$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/"
                + "YTBmSK6H9qs/y3RnOaw5v.",
        "This is just a test|$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yx"
                + "dYcz/e1JSbq3y6JMxxl8audkUEm0",
        "a very much longer text to encrypt.  This one even stretches over morethan one line."
                + "|$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7Um"
                + "JEiDwGqd8p4ur1",
        "we have a short salt string but not a short password|$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoM"
                + "xIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
        "a short string|$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2"
                + "xXgMNrCzIMVcgEJAstJeonj1",
        "the minimum number is still observed|$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWG"
                + "sUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.",
        "U*U*U*U*|$6$LKO/Ute40T3FNF95$6S/6T2YuOIHY0N3XpLKABJ3soYcXD9mB7uVbtEZDj/LNscVhZoZ9DEH.sBciDrMsHOWOoASbNLTypH/5X26gN0",
        "''|$6$ojWH1AiTee9x1peC$QVEnTvRVlPRhcLQCk/HnHaZmlGAAjCfrAN0FtOsOnUk5K5Bn/9eLHHiRzrTzaIKjW9NTLNIBUCtNVOowWS2mN.",
        "''|$6$$/chiBau24cE26QQVW3IfIe68Xu5.JQ4E8Ie7lcRLwqxO5cxGuBhqF2HmTL.zWJ9zjChg3yJYFXeGBQ2y3Ba1d1"})
    void knownAnswers(String password, String hash) {
        PasswordScheme scheme = PasswordSchemes.defaults().forHash(hash).orElseThrow();
        assertThat(scheme).isInstanceOf(ShaCrypt.class);
        assertThat(scheme.verify(password, hash)).isTrue();
        assertThat(scheme.verify(password + ".", hash)).isFalse();
    }

    @Test
    void explicitDefaultRoundsEqualImplicitOnes() {
        ShaCrypt sha256 = ShaCrypt.sha256();
        assertThat(sha256.verify("Hello world!",
                "$5$rounds=5000$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5")).isTrue();
    }

    @Test
    void ids() {
        assertThat(ShaCrypt.sha256().id()).isEqualTo("sha256-crypt");
        assertThat(ShaCrypt.sha512().id()).isEqualTo("sha512-crypt");
        assertThat(ShaCrypt.sha512().recognises("$5$abc")).isFalse();
    }
}
