package dev.appusers.keycloak.bench;

/**
 * The soak's options, as system properties: {@code -Dsoak.minutes=10 -Dsoak.threads=4 -Dsoak.rate=16
 * -Dsoak.warmup.seconds=20 -Dsoak.outage=restart -Dsoak.wait.minutes=15 -Dsoak.cut.seconds=3}.
 *
 * @param outage {@code restart} (PostgreSQL restarted for real, unless other runs use it) or {@code proxy}
 */
record SoakOptions(int minutes, int threads, double rate, int warmupSeconds, String outage, int waitMinutes,
                   int cutSeconds) {

    static SoakOptions fromSystemProperties() {
        SoakOptions options = new SoakOptions(Integer.getInteger("soak.minutes", 10),
                Integer.getInteger("soak.threads", 4), Double.parseDouble(System.getProperty("soak.rate", "16")),
                Integer.getInteger("soak.warmup.seconds", 20), System.getProperty("soak.outage", "restart"),
                Integer.getInteger("soak.wait.minutes", 15), Integer.getInteger("soak.cut.seconds", 3));
        if (options.minutes < 1 || options.threads < 1 || options.rate <= 0 || options.rate > 200
                || !(options.outage.equals("restart") || options.outage.equals("proxy"))) {
            throw new IllegalArgumentException("soak.minutes >= 1, soak.threads >= 1, 0 < soak.rate <= 200, "
                    + "soak.outage restart or proxy: " + options);
        }
        return options;
    }

    String describe() {
        return minutes + " min after a " + warmupSeconds + " s warm-up, " + threads + " client threads paced at "
                + rate + " requests/s in all (half password grants across the users in turn, a quarter refresh-token "
                + "grants, a quarter admin user searches; the local admin's token renewed every minute), each request "
                + "timing out after 30 s; outage mode " + outage;
    }
}
