package dev.appusers.keycloak.password;

/**
 * Prints how long one verification takes at each default {@link CostLimits} ceiling on this machine (a wrong
 * password, so the full work is done). Run with Keycloak's heap, e.g. {@code java -Xmx512m -cp ... CeilingTimes}.
 */
public final class CeilingTimes {

    private static final String[][] CASES = {
        {"bcrypt cost 12 (passlib default)", "$2b$12$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"},
        {"bcrypt cost 16 (ceiling)", "$2b$16$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"},
        {"bcrypt-sha256 cost 16 (ceiling)",
            "$bcrypt-sha256$v=2,t=2b,r=16$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"},
        {"pbkdf2-sha256 2000000 (ceiling)",
            "$pbkdf2-sha256$2000000$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"},
        {"pbkdf2-sha512 2000000 (ceiling)", "$pbkdf2-sha512$2000000$.P/fu9faWwsBwFjrHYPwvg$BR3.byQHnW9mVCStcVU8oJpUM"
            + "6mASTZzGk/C2BQhBVCbMgTnwIKtuCuaAYkQSVswe6dnlzAKiBvGl4ajk/Dubg"},
        {"sha256-crypt 2000000 (ceiling)",
            "$5$rounds=2000000$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"},
        {"sha512-crypt 2000000 (ceiling)", "$6$rounds=2000000$54auNBn2IZavkkow$QLNIBw8v7PrdPFoA.Du373PWrHXxxXP5SVFn"
            + "XzRGmD2V0sRKSwZS033Cc6ULls7aoH5A.UpkBpkRSh6UxQcw/1"},
        {"argon2id m=102400,t=2,p=8 (Litestar-Users)",
            "$argon2id$v=19$m=102400,t=2,p=8$8v7f+z9HKOWc837P+f//fw$V9RoecpgT24QbQKy7uNWgQ"},
        {"argon2id m=16384,t=64,p=4 (t and work ceilings)",
            "$argon2id$v=19$m=16384,t=64,p=4$8v7f+z9HKOWc837P+f//fw$V9RoecpgT24QbQKy7uNWgQ"},
        {"argon2id m=262144,t=4,p=8 (work ceiling, 256 MiB)",
            "$argon2id$v=19$m=262144,t=4,p=8$8v7f+z9HKOWc837P+f//fw$V9RoecpgT24QbQKy7uNWgQ"},
        {"argon2id m=1048576,t=1,p=8 (work ceiling, 1 GiB)",
            "$argon2id$v=19$m=1048576,t=1,p=8$8v7f+z9HKOWc837P+f//fw$V9RoecpgT24QbQKy7uNWgQ"},
    };

    private CeilingTimes() {
    }

    public static void main(String[] args) {
        PasswordSchemes schemes = PasswordSchemes.defaults();
        System.out.printf("max heap %d MiB, memory budget %d KiB, %d hashing slots%n",
                Runtime.getRuntime().maxMemory() >> 20, MemoryBudget.shared().capacityKib(),
                ComputeSlots.shared().slots());
        schemes.verify("warm-up", CASES[0][1]);
        for (String[] c : CASES) {
            time(c[0], () -> schemes.check("wrong-password", c[1], CostLimits.defaults()));
        }
        String longPassword = "p".repeat(PasswordSchemes.MAX_PASSWORD_BYTES);
        time("sha512-crypt 656000 (passlib default), 4096-byte password", () -> schemes.check(longPassword,
                "$6$rounds=656000$54auNBn2IZavkkow$QLNIBw8v7PrdPFoA.Du373PWrHXxxXP5SVFnXzRGmD2V0sRKSwZS033Cc6ULls7aoH5A"
                        + ".UpkBpkRSh6UxQcw/1", CostLimits.defaults()));
    }

    private static void time(String what, java.util.function.Supplier<Verdict> check) {
        long start = System.nanoTime();
        Verdict verdict = check.get();
        System.out.printf("%-62s %7.2f s  %s %s%n", what, (System.nanoTime() - start) / 1e9,
                verdict.verification(), verdict.reason());
    }
}
