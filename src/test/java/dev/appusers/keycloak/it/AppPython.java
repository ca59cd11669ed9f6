package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The app side's own password check: passlib's CryptContext, as Litestar-Users uses it, run by Debian's python3 with
 * the real passlib, argon2-cffi and bcrypt packages ({@code .ci/run} installs them).
 */
public final class AppPython {

    public static final String PYTHON = System.getProperty("it.python", "/usr/bin/python3");

    private static final String VERIFY = """
            import sys
            from passlib.context import CryptContext
            context = CryptContext(schemes=[sys.argv[1]])
            print(context.verify(sys.stdin.readline().rstrip("\\n"), sys.argv[2]))
            """;

    private AppPython() {
    }

    /** Whether passlib, configured with the one {@code scheme} (argon2, bcrypt, pbkdf2_sha256), accepts the hash. */
    public static boolean verifies(String scheme, String password, String hash) {
        try {
            Process process = new ProcessBuilder(PYTHON, "-c", VERIFY, scheme, hash).redirectErrorStream(true).start();
            process.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("passlib failed: " + output);
            }
            return output.equals("True");
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + PYTHON + " (apt-get install python3-passlib "
                    + "python3-argon2 python3-bcrypt)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
