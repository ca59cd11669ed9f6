package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Keycloak server's log file, read whole or from a mark: servers are shared by the test classes that want the same
 * one, and each class reads its own part (see {@link ItRealm#log()}).
 */
final class ServerLog {

    private final Path file;
    private boolean claimed;

    ServerLog(Path file) {
        this.file = file;
    }

    /**
     * Where a test class's part starts: the server's start for the first class that uses it (its start-up is that
     * class's doing), else where the log ends now.
     */
    synchronized long claim() {
        long mark = claimed ? mark() : 0;
        claimed = true;
        return mark;
    }

    /** Where the log ends now, in bytes. */
    long mark() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Keycloak's log " + file, e);
        }
    }

    /**
     * What was logged after {@code mark}. A failure to read fails the test: an unreadable log must not pass as a log
     * that holds nothing.
     */
    String since(long mark) {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (mark > size) {
                throw new IllegalStateException("Keycloak's log " + file + " holds " + size + " bytes, less than the "
                        + "mark " + mark + ": it was written anew (a restart) since the mark was taken");
            }
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(size - mark));
            while (bytes.hasRemaining() && channel.read(bytes, mark + bytes.position()) > 0) {
                // read up to the size seen above
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Keycloak's log " + file, e);
        }
    }
}
