-- keycloak-app-users change feed, PostgreSQL 13 or newer. Run in the app's schema (psql -f, or a migration), with
-- that schema first in search_path: the functions are bound to it, so the app may connect with any search_path.
-- Every change of a user's row or roles adds a row here; each Keycloak node polls the table every second and
-- evicts those users from its cache (docs/change-feed.md in the project, "Changes made in the app"). user_id must have the type of "user".id.
-- Running it again is safe: it upgrades a table made by an older version in place, keeps its rows, and keeps an
-- edited app_users_changes_retention().

CREATE TABLE IF NOT EXISTS app_users_changes (
    seq BIGSERIAL PRIMARY KEY,
    user_id UUID,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    txid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)
);
-- the writing transaction's id: Keycloak compares it with pg_current_snapshot() to wait for transactions in progress
ALTER TABLE app_users_changes
    ADD COLUMN IF NOT EXISTS txid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX IF NOT EXISTS app_users_changes_txid ON app_users_changes (txid);
CREATE INDEX IF NOT EXISTS app_users_changes_changed_at ON app_users_changes (changed_at);

-- How long rows are kept, and the longest app transaction Keycloak waits for. Edit it to change both (CREATE OR
-- REPLACE FUNCTION app_users_changes_retention() ...); running this script again keeps your version.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'app_users_changes_retention'
                   AND pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) THEN
        CREATE FUNCTION app_users_changes_retention() RETURNS interval
            LANGUAGE sql STABLE AS $f$ SELECT interval '1 hour' $f$;
    END IF;
END $$;

-- Adds the row. Every 101st number (a prime: any auto-increment step below it still meets its multiples) also
-- deletes up to 500 rows older than the retention, oldest first through the changed_at index, then by primary key:
-- never the newest row, and never a row another transaction holds (SKIP LOCKED: two pruners share the work instead
-- of waiting; a plain DELETE would wait for the rows another pruner deletes).
CREATE OR REPLACE FUNCTION app_users_record_change(changed UUID) RETURNS void AS $$
DECLARE
    added BIGINT;
    cutoff TIMESTAMPTZ;
BEGIN
    INSERT INTO app_users_changes (user_id) VALUES (changed) RETURNING seq INTO added;
    IF added % 101 = 0 THEN
        cutoff := CURRENT_TIMESTAMP - app_users_changes_retention();
        DELETE FROM app_users_changes WHERE seq = ANY (ARRAY(
            SELECT seq FROM app_users_changes WHERE changed_at < cutoff AND seq < added
            ORDER BY changed_at LIMIT 500 FOR UPDATE SKIP LOCKED));
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION app_users_user_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM app_users_record_change(OLD.id);
    END IF;
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        PERFORM app_users_record_change(NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION app_users_user_role_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM app_users_record_change(OLD.user_id);
    END IF;
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
        PERFORM app_users_record_change(NEW.user_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- a renamed role changes the tokens of all its members
CREATE OR REPLACE FUNCTION app_users_role_renamed() RETURNS trigger AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name THEN
        PERFORM app_users_record_change(ur.user_id) FROM user_role ur WHERE ur.role_id = NEW.id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- The functions find the change table, the retention and user_role in this schema, whatever the search_path of the
-- connection that fires the triggers.
DO $$
DECLARE
    fn TEXT;
BEGIN
    FOREACH fn IN ARRAY ARRAY['app_users_record_change(uuid)', 'app_users_user_changed()',
                              'app_users_user_role_changed()', 'app_users_role_renamed()'] LOOP
        EXECUTE format('ALTER FUNCTION %I.%s SET search_path = %I, pg_temp', current_schema(), fn, current_schema());
    END LOOP;
END $$;

DROP TRIGGER IF EXISTS app_users_changes ON "user";
CREATE TRIGGER app_users_changes AFTER INSERT OR UPDATE OR DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION app_users_user_changed();
DROP TRIGGER IF EXISTS app_users_changes ON user_role;
CREATE TRIGGER app_users_changes AFTER INSERT OR UPDATE OR DELETE ON user_role
    FOR EACH ROW EXECUTE FUNCTION app_users_user_role_changed();
DROP TRIGGER IF EXISTS app_users_changes ON role;
CREATE TRIGGER app_users_changes AFTER UPDATE ON role
    FOR EACH ROW EXECUTE FUNCTION app_users_role_renamed();
