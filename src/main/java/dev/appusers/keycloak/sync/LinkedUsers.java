package dev.appusers.keycloak.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** Queries of Keycloak's own user table (JPQL on its entities) that let a sync read once per batch, not per user. */
final class LinkedUsers {

    /** What Keycloak's database holds for one batch: which of its ids exist, who has its usernames and emails. */
    record Known(Set<String> ids, Map<String, String> usernames, Map<String, String> emails) {
    }

    private LinkedUsers() {
    }

    /** The ids of the Keycloak users imported by one component (its federation link). */
    static List<String> ids(KeycloakSession session, String realmId, String componentId) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select u.id from UserEntity u where u.realmId = :realmId and u.federationLink = :link",
                        String.class)
                .setParameter("realmId", realmId).setParameter("link", componentId).getResultList();
    }

    /** One query for a batch: its Keycloak ids that exist, and the owners of its usernames and emails. */
    static Known known(KeycloakSession session, String realmId, Collection<String> ids, Collection<String> usernames,
                       Collection<String> emails) {
        List<Object[]> rows = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select u.id, u.username, u.email from UserEntity u where u.realmId = :realmId and "
                        + "(u.id in :ids or u.username in :usernames or u.email in :emails)", Object[].class)
                .setParameter("realmId", realmId).setParameter("ids", nonEmpty(ids))
                .setParameter("usernames", nonEmpty(usernames)).setParameter("emails", nonEmpty(emails))
                .getResultList();
        Set<String> existing = new HashSet<>();
        Map<String, String> byUsername = new HashMap<>();
        Map<String, String> byEmail = new HashMap<>();
        Set<String> wanted = new HashSet<>(ids);
        for (Object[] row : rows) {
            String id = (String) row[0];
            if (wanted.contains(id)) {
                existing.add(id);
            }
            byUsername.put((String) row[1], id);
            if (row[2] != null) {
                byEmail.put((String) row[2], id);
            }
        }
        return new Known(existing, byUsername, byEmail);
    }

    private static List<String> nonEmpty(Collection<String> values) {
        List<String> list = new ArrayList<>(values);
        if (list.isEmpty()) {
            list.add(""); // no id, username or email is empty
        }
        return list;
    }
}
