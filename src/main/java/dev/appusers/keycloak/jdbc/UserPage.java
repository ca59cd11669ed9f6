package dev.appusers.keycloak.jdbc;

import java.util.List;

/**
 * One page of the user table in id order, as a sync reads it: the rows that could be read, how many could not (each
 * logged once), and the raw id to continue after ({@code null} when the table has no more rows).
 */
public record UserPage(List<UserRow> rows, int unreadable, Object continueAfter) {

    public boolean isLast() {
        return continueAfter == null;
    }
}
