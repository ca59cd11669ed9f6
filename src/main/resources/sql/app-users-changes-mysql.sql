-- keycloak-app-users change feed, MariaDB 10.6 or newer (MySQL 8.0.29 or newer: written for it, not tested). Run in
-- the app's database with the mysql client (mysql appdb < app-users-changes-mysql.sql). Every change of a user's row
-- or roles adds a row here; each Keycloak node polls the table every second and evicts those users from its cache
-- (docs/change-feed.md in the project, "Changes made in the app"). user_id must have the type of user.id (BINARY(16) here; CHAR(32) or CHAR(36)
-- if the app stores ids as text). Running it again is safe: it upgrades a table made by an older version in place,
-- keeps its rows, and keeps an edited app_users_changes_retention_seconds().
--
-- The triggers only add rows: Keycloak's nodes prune the table (rows older than the retention, every 15 s, on their
-- own short transactions that skip the rows other transactions hold), so the app's transactions never prune and
-- never wait for one another here. Inside a trigger InnoDB would lock every row a prune reads and ignore SKIP LOCKED.
-- While no Keycloak node runs, the table grows by one row per change until one runs again. Keycloak's datasource
-- user needs SELECT and DELETE on the table: GRANT SELECT, DELETE ON appdb.app_users_changes TO 'keycloak'@'%';

CREATE TABLE IF NOT EXISTS app_users_changes (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BINARY(16) NULL,
    changed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    INDEX app_users_changes_changed_at (changed_at)
);

-- a table made by an older version of this script has no index on changed_at yet (MySQL has no CREATE INDEX IF NOT
-- EXISTS, hence the procedure)
DROP PROCEDURE IF EXISTS app_users_changes_upgrade;
DELIMITER //
CREATE PROCEDURE app_users_changes_upgrade()
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
                   AND TABLE_NAME = 'app_users_changes' AND INDEX_NAME = 'app_users_changes_changed_at') THEN
        CREATE INDEX app_users_changes_changed_at ON app_users_changes (changed_at);
    END IF;
END //
DELIMITER ;
CALL app_users_changes_upgrade();
DROP PROCEDURE app_users_changes_upgrade;

-- How long rows are kept, and the longest app transaction Keycloak waits for. Edit it to change both (DROP FUNCTION,
-- then CREATE FUNCTION with another number); running this script again keeps your version.
CREATE FUNCTION IF NOT EXISTS app_users_changes_retention_seconds() RETURNS INT DETERMINISTIC NO SQL
    RETURN 3600;

DROP PROCEDURE IF EXISTS app_users_record_change;
DROP PROCEDURE IF EXISTS app_users_changes_prune;
DROP TRIGGER IF EXISTS app_users_user_inserted;
DROP TRIGGER IF EXISTS app_users_user_updated;
DROP TRIGGER IF EXISTS app_users_user_deleted;
DROP TRIGGER IF EXISTS app_users_user_role_inserted;
DROP TRIGGER IF EXISTS app_users_user_role_updated;
DROP TRIGGER IF EXISTS app_users_user_role_deleted;
DROP TRIGGER IF EXISTS app_users_role_renamed;

DELIMITER //
-- Adds the row. It does not prune (Keycloak does, see above); the procedure of an older version that pruned is
-- dropped above.
CREATE PROCEDURE app_users_record_change(changed BINARY(16))
BEGIN
    INSERT INTO app_users_changes (user_id) VALUES (changed);
END //
CREATE TRIGGER app_users_user_inserted AFTER INSERT ON user FOR EACH ROW
    CALL app_users_record_change(NEW.id) //
CREATE TRIGGER app_users_user_updated AFTER UPDATE ON user FOR EACH ROW
BEGIN
    CALL app_users_record_change(OLD.id);
    IF NEW.id <> OLD.id THEN
        CALL app_users_record_change(NEW.id);
    END IF;
END //
CREATE TRIGGER app_users_user_deleted AFTER DELETE ON user FOR EACH ROW
    CALL app_users_record_change(OLD.id) //
CREATE TRIGGER app_users_user_role_inserted AFTER INSERT ON user_role FOR EACH ROW
    CALL app_users_record_change(NEW.user_id) //
CREATE TRIGGER app_users_user_role_updated AFTER UPDATE ON user_role FOR EACH ROW
BEGIN
    CALL app_users_record_change(OLD.user_id);
    IF NEW.user_id <> OLD.user_id THEN
        CALL app_users_record_change(NEW.user_id);
    END IF;
END //
CREATE TRIGGER app_users_user_role_deleted AFTER DELETE ON user_role FOR EACH ROW
    CALL app_users_record_change(OLD.user_id) //
-- a renamed role changes the tokens of all its members
CREATE TRIGGER app_users_role_renamed AFTER UPDATE ON role FOR EACH ROW
BEGIN
    IF NOT (NEW.name <=> OLD.name) THEN
        INSERT INTO app_users_changes (user_id) SELECT user_id FROM user_role WHERE role_id = NEW.id;
    END IF;
END //
DELIMITER ;
