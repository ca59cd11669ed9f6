package dev.appusers.keycloak.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.keycloak.component.ComponentModel;

/**
 * Keycloak records the time of a sync by updating the component ({@code lastSync}, and per sync mode on 26.7+),
 * which runs the factory's validation and {@code onUpdate} again. Such an update changes no setting, so there is
 * nothing to check against or read from the app database; doing so would turn a sync that stopped because the
 * database is gone into Keycloak's empty answer.
 */
public final class SyncTimeUpdate {

    private static final String LAST_SYNC = "lastSync";

    private SyncTimeUpdate() {
    }

    /**
     * @return whether {@code updated} differs from the stored component in its sync times and nothing else (a Save
     *         with no change is still checked)
     */
    public static boolean is(ComponentModel stored, ComponentModel updated) {
        return stored != null
                && Objects.equals(stored.getName(), updated.getName())
                && Objects.equals(stored.getProviderId(), updated.getProviderId())
                && Objects.equals(stored.getParentId(), updated.getParentId())
                && settings(stored, false).equals(settings(updated, false))
                && !settings(stored, true).equals(settings(updated, true));
    }

    private static Map<String, List<String>> settings(ComponentModel model, boolean syncTimes) {
        Map<String, List<String>> settings = new HashMap<>(model.getConfig());
        settings.keySet().removeIf(key -> key.startsWith(LAST_SYNC) != syncTimes);
        return settings;
    }
}
