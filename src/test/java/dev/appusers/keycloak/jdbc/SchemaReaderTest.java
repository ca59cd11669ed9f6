package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The configured schema is a name, not a LIKE pattern: {@code app_data} never shows the tables of {@code appXdata}. */
class SchemaReaderTest {

    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:schemas" + System.nanoTime());
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE SCHEMA app_data");
            s.execute("CREATE SCHEMA appXdata");
            s.execute("CREATE TABLE appXdata.accounts (id UUID PRIMARY KEY, email VARCHAR(320), secret_col INT)");
            s.execute("CREATE TABLE app_data.accounts (id UUID PRIMARY KEY, email VARCHAR(320))");
            s.execute("CREATE TABLE appXdata.only_there (id UUID PRIMARY KEY)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void aTableOfASchemaMatchingTheNameAsPatternIsNotFound() throws SQLException {
        SchemaReader reader = SchemaReader.open(connection, Optional.of("APP_DATA"));

        assertThatThrownBy(() -> reader.table("userTable", "only_there")).isInstanceOf(SchemaException.class)
                .hasMessageContaining("table only_there not found").hasMessageContaining("tables are: ACCOUNTS")
                .hasMessageNotContaining("ONLY_THERE");
    }

    @Test
    void columnsComeFromTheConfiguredSchemaAlone() throws SQLException {
        DbTable accounts = SchemaReader.open(connection, Optional.of("APP_DATA")).table("userTable", "accounts");

        assertThat(accounts.columns()).extracting(DbColumn::name).containsExactly("ID", "EMAIL");
    }
}
