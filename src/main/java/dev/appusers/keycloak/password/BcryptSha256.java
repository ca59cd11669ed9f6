package dev.appusers.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * passlib's {@code bcrypt_sha256} (verify only), which pre-hashes the password so that bcrypt sees all of it:
 * <ul>
 *   <li>v2 (passlib 1.7.3+): {@code $bcrypt-sha256$v=2,t=2b,r=12$<salt22>$<digest31>}, key =
 *       base64(HMAC-SHA256(key = the 22-character salt string as ASCII, message = password UTF-8));</li>
 *   <li>v1: {@code $bcrypt-sha256$2a,12$<salt22>$<digest31>} (or {@code 2b}), key = base64(SHA-256(password)).</li>
 * </ul>
 * The key is the 44-character padded standard base64 text, hashed by bcrypt with the given type, cost and salt.
 */
final class BcryptSha256 implements PasswordScheme {

    static final String ID = "bcrypt-sha256";
    private static final String PREFIX = "$bcrypt-sha256$";

    private static final Pattern V2 = Pattern.compile(
            "\\$bcrypt-sha256\\$v=(\\d{1,3}),t=(2b),r=(\\d{1,2})\\$([./A-Za-z0-9]{22})\\$([./A-Za-z0-9]{31})");
    private static final Pattern V1 = Pattern.compile(
            "\\$bcrypt-sha256\\$(2[ab]),(\\d{1,2})\\$([./A-Za-z0-9]{22})\\$([./A-Za-z0-9]{31})");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean recognises(String encodedHash) {
        return encodedHash != null && encodedHash.startsWith(PREFIX);
    }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        Matcher m = V2.matcher(encodedHash);
        boolean v2 = m.matches();
        if (!v2) {
            m = V1.matcher(encodedHash);
            if (!m.matches()) {
                throw new MalformedHashException(ID, "expected $bcrypt-sha256$v=2,t=2b,r=<cost>$<22-char salt>"
                        + "$<31-char digest> (or the v1 layout $bcrypt-sha256$2a,<cost>$...)");
            }
        }
        int offset = v2 ? 1 : 0;
        if (v2 && Integer.parseInt(m.group(1)) != 2) {
            throw new MalformedHashException(ID, "unsupported version " + Integer.parseInt(m.group(1)));
        }
        String type = m.group(offset + 1);
        String costText = m.group(offset + 2);
        if (costText.length() > 1 && costText.charAt(0) == '0') {
            throw new MalformedHashException(ID, "cost is zero-padded");
        }
        int cost = Integer.parseInt(costText);
        String saltText = m.group(offset + 3);
        if (cost < Bcrypt.MIN_ROUNDS || cost > Bcrypt.MAX_ROUNDS) {
            throw new MalformedHashException(ID,
                    "cost " + cost + " is outside " + Bcrypt.MIN_ROUNDS + ".." + Bcrypt.MAX_ROUNDS);
        }
        if (v2 && !PasslibBase64.isCanonicalBcryptSaltEnd(saltText.charAt(saltText.length() - 1))) {
            throw new MalformedHashException(ID, "salt has its padding bits set");
        }
        byte[] salt = PasslibBase64.decodeBcryptSalt(saltText);
        limits.checkBcrypt(ID, cost);
        byte[] secret = Secrets.utf8OrNull(password);
        if (secret == null) {
            return false;
        }
        byte[] digest = null;
        byte[] key = null;
        try {
            digest = v2 ? hmacSha256(saltText.getBytes(StandardCharsets.US_ASCII), secret) : sha256(secret);
            key = Base64.getEncoder().encode(digest);
            return Secrets.equal(Bcrypt.checksum(type, key, salt, cost, limits), m.group(offset + 4));
        } finally {
            Secrets.wipe(secret, digest, key);
        }
    }

    private static byte[] hmacSha256(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    private static byte[] sha256(byte[] message) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(message, 0, message.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    @Override
    public String toString() {
        return "BcryptSha256";
    }
}
