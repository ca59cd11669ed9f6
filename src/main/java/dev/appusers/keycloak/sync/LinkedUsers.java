package dev.appusers.keycloak.sync;

import java.util.List;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** The ids of the Keycloak users imported by one component (its federation link), from Keycloak's own database. */
final class LinkedUsers {

    private LinkedUsers() {
    }

    static List<String> ids(KeycloakSession session, String realmId, String componentId) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select u.id from UserEntity u where u.realmId = :realmId and u.federationLink = :link",
                        String.class)
                .setParameter("realmId", realmId).setParameter("link", componentId).getResultList();
    }
}
