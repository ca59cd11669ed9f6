package dev.appusers.keycloak.jdbc;

import java.util.List;

/**
 * One page of the user table in id order, as a sync reads it: the rows that could be read, how many could not (each
 * logged once), the ids of those among them whose id could be read (a blank username, say: the row is still there,
 * so a full sync must not remove its imported user), and the raw id to continue after ({@code null} when the table
 * has no more rows).
 */
public record UserPage(List<UserRow> rows, int unreadable, List<String> unreadableIds, Object continueAfter) {

    public boolean isLast() {
        return continueAfter == null;
    }
}
