package dev.appusers.keycloak.sync;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;

import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.jpa.UserAdapter;
import org.keycloak.models.jpa.entities.CredentialEntity;
import org.keycloak.models.jpa.entities.UserAttributeEntity;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.jpa.entities.UserGroupMembershipEntity;
import org.keycloak.models.jpa.entities.UserRoleMappingEntity;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.MembershipType;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * The users a sync adds, written as Keycloak's own JPA entities in the batch's transaction, flushed once at its
 * commit. Keycloak's {@code addUser} flushes the session for every user and every role grant and credential first
 * reads what the user has, which held a sync to about 100 users per second. The entities of a batch are persisted
 * by kind ({@link #write()}: every user row, then every attribute, role mapping, group membership and credential)
 * with JDBC batching on for the session, so that each kind goes to the database as a few statement batches instead
 * of one round trip per row: Hibernate sends a batch only for consecutive inserts into one table.
 * <p>
 * Writes what {@code JpaUserProvider.addUser(realm, id, username, true, false)} and the model calls of an import
 * write: the user row (lower-cased username and email, {@code EMAIL_CONSTRAINT} as Keycloak derives it, created and,
 * on Keycloak 26.7+, last-modified time stamps, federation link), the realm's default role and default groups, the
 * app's roles, the mapped attributes with {@code APP_USERS_ID} and the hash fingerprint, and the password credential
 * at Keycloak's first priority; it fires the same role-granted and group-join events. Unlike {@code addUser} it
 * registers no cache invalidation: no node can hold a cached copy of a user whose id did not exist (Keycloak caches
 * no misses), and in a sync of 100,000 users Keycloak kept each of those invalidation events on its heap (30 MiB
 * after a full GC). The entity shapes are those of Keycloak 26.4 to
 * 26.7. {@code -Dappusers.sync.newUsers=model} on Keycloak's JVM turns this off: every user then goes through
 * {@code addUser}, for a Keycloak whose entities changed.
 */
final class NewUsers {

    /** Keycloak's {@code JpaUserCredentialStore.PRIORITY_DIFFERENCE}: the first credential of a user. */
    private static final int FIRST_CREDENTIAL_PRIORITY = 10;
    /** Rows per JDBC statement batch, unless Keycloak's own setting is larger. */
    static final int JDBC_BATCH = Integer.getInteger("appusers.sync.jdbcBatch", 250);
    /** {@code UserEntity.setLastModifiedTimestamp}, new in Keycloak 26.7; null before. */
    private static final Method SET_LAST_MODIFIED = lastModifiedSetter();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EntityManager em;
    private final AppUserStore store;
    private final RoleModel defaultRole;
    private final List<GroupModel> defaultGroups;
    private final List<UserEntity> users = new ArrayList<>();
    private final List<Object> attributes = new ArrayList<>();
    private final List<Object> links = new ArrayList<>();
    private final List<Object> credentials = new ArrayList<>();
    private final List<Runnable> events = new ArrayList<>();

    NewUsers(KeycloakSession session, RealmModel realm, AppUserStore store) {
        this.session = session;
        this.realm = realm;
        this.store = store;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.defaultRole = realm.getDefaultRole();
        this.defaultGroups = realm.getDefaultGroupsStream().toList();
    }

    /** Whether new users are written as entities (the default) rather than through Keycloak's {@code addUser}. */
    static boolean enabled() {
        return !"model".equals(System.getProperty("appusers.sync.newUsers", "entities"));
    }

    /**
     * A new user of this row with its roles and, when {@code credential} is not null, the app's hash as its password
     * credential with the fingerprint attribute; persisted by {@link #write()}.
     */
    void add(String id, UserRow row, Set<RoleModel> appRoles, CredentialModel credential, String fingerprint) {
        UserEntity user = new UserEntity();
        user.setId(id);
        long now = Time.currentTimeMillis();
        user.setCreatedTimestamp(now);
        setLastModified(user, now);
        user.setUsername(row.username().toLowerCase());
        user.setRealmId(realm.getId());
        user.setFederationLink(store.componentId());
        if (store.config().emailColumn().isPresent()) {
            String email = row.email() == null || row.email().isBlank() ? null : row.email();
            user.setEmail(KeycloakModelUtils.toLowerCaseSafe(email), realm.isDuplicateEmailsAllowed());
        }
        if (store.config().firstNameColumn().isPresent()) {
            user.setFirstName(row.firstName());
        }
        if (store.config().lastNameColumn().isPresent()) {
            user.setLastName(row.lastName());
        }
        user.setEnabled(row.enabled());
        user.setEmailVerified(row.emailVerified());
        users.add(user);

        attribute(user, ImportedUser.APP_ID_ATTRIBUTE, row.id());
        for (String name : store.attributeNames()) {
            String value = row.attributes().get(name);
            if (value != null) {
                attribute(user, name, value);
            }
        }
        UserModel model = new UserAdapter(session, realm, em, user);
        Set<RoleModel> roles = new LinkedHashSet<>();
        roles.add(defaultRole);
        roles.addAll(appRoles);
        for (RoleModel role : roles) {
            UserRoleMappingEntity mapping = new UserRoleMappingEntity();
            mapping.setUser(user);
            mapping.setRoleId(role.getId());
            links.add(mapping);
            events.add(() -> RoleModel.RoleGrantedEvent.fire(role, model, session));
        }
        for (GroupModel group : defaultGroups) {
            UserGroupMembershipEntity membership = new UserGroupMembershipEntity();
            membership.setUser(user);
            membership.setGroupId(group.getId());
            membership.setMembershipType(MembershipType.UNMANAGED);
            links.add(membership);
            events.add(() -> GroupModel.GroupMemberJoinEvent.fire(group, model, session));
        }
        if (credential != null) {
            credential(user, credential);
            attribute(user, ImportedUser.HASH_FINGERPRINT_ATTRIBUTE, fingerprint);
        }
    }

    /**
     * Persists the users added since the last call, kind by kind, then fires their role-granted and group-join events.
     * The inserts are sent when the transaction flushes, at its commit.
     */
    void write() {
        if (users.isEmpty()) {
            return;
        }
        Session hibernate = em.unwrap(Session.class);
        Integer configured = hibernate.getJdbcBatchSize();
        if (configured == null || configured < JDBC_BATCH) {
            hibernate.setJdbcBatchSize(JDBC_BATCH);
        }
        users.forEach(em::persist);
        attributes.forEach(em::persist);
        links.forEach(em::persist);
        credentials.forEach(em::persist);
        events.forEach(Runnable::run);
        users.clear();
        attributes.clear();
        links.clear();
        credentials.clear();
        events.clear();
    }

    private void attribute(UserEntity user, String name, String value) {
        UserAttributeEntity attribute = new UserAttributeEntity();
        attribute.setId(KeycloakModelUtils.generateId());
        attribute.setName(name);
        attribute.setValue(value);
        attribute.setUser(user);
        attributes.add(attribute);
        user.getAttributes().add(attribute);
    }

    private void credential(UserEntity user, CredentialModel credential) {
        CredentialEntity entity = new CredentialEntity();
        entity.setId(credential.getId() == null ? KeycloakModelUtils.generateId() : credential.getId());
        entity.setCreatedDate(credential.getCreatedDate());
        entity.setUserLabel(credential.getUserLabel());
        entity.setType(credential.getType());
        entity.setSecretData(credential.getSecretData());
        entity.setCredentialData(credential.getCredentialData());
        entity.setUser(user);
        entity.setPriority(FIRST_CREDENTIAL_PRIORITY);
        credentials.add(entity);
        user.getCredentials().add(entity);
    }

    private static void setLastModified(UserEntity user, long now) {
        if (SET_LAST_MODIFIED == null) {
            return;
        }
        try {
            SET_LAST_MODIFIED.invoke(user, now);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("UserEntity.setLastModifiedTimestamp failed", e);
        }
    }

    private static Method lastModifiedSetter() {
        try {
            return UserEntity.class.getMethod("setLastModifiedTimestamp", Long.class);
        } catch (NoSuchMethodException e) {
            return null; // Keycloak before 26.7 has no such column
        }
    }
}
