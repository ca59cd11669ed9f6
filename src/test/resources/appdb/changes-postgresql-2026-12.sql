-- keycloak-app-users change feed, PostgreSQL. Run once in the app's schema (psql -f, or a migration).
-- Every change of a user's row or roles adds a row here; each Keycloak node polls the table every second and
-- evicts those users from its cache (README, "Changes made in the app"). user_id must have the type of "user".id.
-- Rows older than an hour are pruned by the trigger itself (every 1000th change): a Keycloak node that cannot
-- reach the database for longer than that clears its realm's user cache when it can again.

CREATE TABLE IF NOT EXISTS app_users_changes (
    seq BIGSERIAL PRIMARY KEY,
    user_id UUID,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE OR REPLACE FUNCTION app_users_record_change(changed UUID) RETURNS void AS $$
DECLARE
    added BIGINT;
BEGIN
    INSERT INTO app_users_changes (user_id) VALUES (changed) RETURNING seq INTO added;
    IF added % 1000 = 0 THEN
        DELETE FROM app_users_changes WHERE seq < added AND changed_at < CURRENT_TIMESTAMP - INTERVAL '1 hour';
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

DROP TRIGGER IF EXISTS app_users_changes ON "user";
CREATE TRIGGER app_users_changes AFTER INSERT OR UPDATE OR DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION app_users_user_changed();
DROP TRIGGER IF EXISTS app_users_changes ON user_role;
CREATE TRIGGER app_users_changes AFTER INSERT OR UPDATE OR DELETE ON user_role
    FOR EACH ROW EXECUTE FUNCTION app_users_user_role_changed();
DROP TRIGGER IF EXISTS app_users_changes ON role;
CREATE TRIGGER app_users_changes AFTER UPDATE ON role
    FOR EACH ROW EXECUTE FUNCTION app_users_role_renamed();
