package dev.appusers.keycloak;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keycloak's attribute maps hold lists of values; the app's columns hold one. */
final class Maps {

    private Maps() {
    }

    static Map<String, List<String>> toLists(Map<String, String> values) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        values.forEach((name, value) -> lists.put(name, List.of(value)));
        return lists;
    }
}
