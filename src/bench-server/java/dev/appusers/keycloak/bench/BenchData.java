package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;

/**
 * The benchmark's app database on PostgreSQL: the Litestar-Users schema and seed, groups of login users whose hashes
 * the real Python libraries made, and the million-user scale data generated in SQL (one hash reused).
 */
final class BenchData {

    static final String DATABASE = dev.appusers.keycloak.it.AppDb.database("appusers_bench");
    static final String PASSWORD = "Bench-Secret-1";

    /** The recommended indexes (README, "Performance"): one statement each. */
    static final List<String> INDEXES = List.of(
            "CREATE INDEX user_lower_email ON \"user\" (lower(email) text_pattern_ops)",
            "CREATE INDEX user_role_user_id ON user_role (user_id)",
            "CREATE INDEX user_role_role_id ON user_role (role_id, user_id)");

    /** The Python side's hash of {@link #PASSWORD}, made the way an app would (or Keycloak's own parameters). */
    enum AppHash {
        KEYCLOAK_ARGON2("argon2id m=7168,t=5,p=1 (Keycloak's default)",
                "from argon2 import PasswordHasher\n"
                        + "print(PasswordHasher(time_cost=5, memory_cost=7168, parallelism=1, hash_len=32, salt_len=16).hash(pw))"),
        LITESTAR_ARGON2("argon2id m=102400,t=2,p=8 (Litestar-Users' default)",
                "from passlib.context import CryptContext\nprint(CryptContext(schemes=['argon2']).hash(pw))"),
        BCRYPT_12("bcrypt 12 rounds",
                "import bcrypt\nprint(bcrypt.hashpw(pw.encode(), bcrypt.gensalt(12)).decode())"),
        BCRYPT_4("bcrypt 4 rounds (scale data only)",
                "import bcrypt\nprint(bcrypt.hashpw(pw.encode(), bcrypt.gensalt(4)).decode())");

        final String label;
        private final String script;

        AppHash(String label, String script) {
            this.label = label;
            this.script = script;
        }

        String make() {
            try {
                Process process = new ProcessBuilder(AppPython.PYTHON, "-c", "import sys\npw = sys.argv[1]\n" + script,
                        PASSWORD).redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("python failed: " + out);
                }
                return out;
            } catch (IOException e) {
                throw new IllegalStateException("needs " + AppPython.PYTHON + " with python3-argon2, python3-bcrypt "
                        + "and python3-passlib", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private BenchData() {
    }

    static void create() {
        AppDb.POSTGRES.create(DATABASE);
    }

    /** {@code count} users {@code <group>-<n>@bench.test} with the same hash; returns their emails. */
    static List<String> addUsers(String group, int count, String hash) throws SQLException {
        List<String> emails = new ArrayList<>();
        try (Connection c = AppDb.POSTGRES.connect(DATABASE); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO \"user\" (id, email, password_hash, is_active, is_verified) VALUES (?, ?, ?, true, true)")) {
            for (int i = 0; i < count; i++) {
                String email = group + "-" + i + "@bench.test";
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, email);
                insert.setString(3, hash);
                insert.addBatch();
                emails.add(email);
            }
            insert.executeBatch();
        }
        return emails;
    }

    /**
     * {@code users} users {@code user0000001@scale.test}..., ten roles {@code scale-role-1..10}, each user in one of
     * them (so every role has users/10 members), then ANALYZE.
     */
    static void addScale(int users, String hash) throws SQLException {
        try (Connection c = AppDb.POSTGRES.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("INSERT INTO role (id, name, description) SELECT md5('role' || i)::uuid, 'scale-role-' || i, "
                    + "'Scale role ' || i FROM generate_series(1, 10) i");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"user\" (id, email, password_hash, "
                    + "is_active, is_verified, token_count) SELECT md5('user' || i)::uuid, 'user' || lpad(i::text, 7, "
                    + "'0') || '@scale.test', ?, true, true, i % 100 FROM generate_series(1, ?) i")) {
                insert.setString(1, hash);
                insert.setInt(2, users);
                insert.execute();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO user_role (id, user_id, role_id) SELECT "
                    + "md5('ur' || i)::uuid, md5('user' || i)::uuid, md5('role' || (i % 10 + 1))::uuid "
                    + "FROM generate_series(1, ?) i")) {
                insert.setInt(1, users);
                insert.execute();
            }
            s.execute("VACUUM ANALYZE");
        }
    }

    static void createIndexes() throws SQLException {
        try (Connection c = AppDb.POSTGRES.connect(DATABASE); Statement s = c.createStatement()) {
            for (String index : INDEXES) {
                s.execute(index);
            }
            s.execute("ANALYZE");
        }
    }
}
