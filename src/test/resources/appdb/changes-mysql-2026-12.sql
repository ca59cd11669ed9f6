-- keycloak-app-users change feed, MariaDB and MySQL. Run once in the app's database with the mysql client
-- (mysql appdb < app-users-changes-mysql.sql). Every change of a user's row or roles adds a row here; each Keycloak
-- node polls the table every second and evicts those users from its cache (README, "Changes made in the app").
-- user_id must have the type of user.id (BINARY(16) here; CHAR(32) or CHAR(36) if the app stores ids as text).
-- Rows older than an hour are pruned by the triggers themselves (every 1000th change).

CREATE TABLE IF NOT EXISTS app_users_changes (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BINARY(16) NULL,
    changed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
);

DROP PROCEDURE IF EXISTS app_users_record_change;
DROP TRIGGER IF EXISTS app_users_user_inserted;
DROP TRIGGER IF EXISTS app_users_user_updated;
DROP TRIGGER IF EXISTS app_users_user_deleted;
DROP TRIGGER IF EXISTS app_users_user_role_inserted;
DROP TRIGGER IF EXISTS app_users_user_role_updated;
DROP TRIGGER IF EXISTS app_users_user_role_deleted;
DROP TRIGGER IF EXISTS app_users_role_renamed;

DELIMITER //
CREATE PROCEDURE app_users_record_change(changed BINARY(16))
BEGIN
    INSERT INTO app_users_changes (user_id) VALUES (changed);
    IF LAST_INSERT_ID() % 1000 = 0 THEN
        DELETE FROM app_users_changes
        WHERE seq < LAST_INSERT_ID() AND changed_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 HOUR;
    END IF;
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
