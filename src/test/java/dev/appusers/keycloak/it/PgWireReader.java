package dev.appusers.keycloak.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads one client-to-server PostgreSQL connection (protocol 3.0) as it streams through the proxy and logs each
 * Execute (extended protocol, with the statement's SQL and bound parameters) and each simple Query. Written to as an
 * {@link OutputStream} beside the real one; it never changes the bytes. TLS connections cannot be read; the local
 * servers the tests use do not offer TLS.
 */
final class PgWireReader extends OutputStream {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int OID_BOOL = 16;
    private static final int OID_INT8 = 20;
    private static final int OID_INT2 = 21;
    private static final int OID_INT4 = 23;
    private static final int OID_UUID = 2950;

    private final PgStatementLog log;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Map<String, String> statementSql = new HashMap<>();
    private final Map<String, int[]> statementTypes = new HashMap<>();
    private final Map<String, String> portalStatement = new HashMap<>();
    private final Map<String, List<String>> portalParameters = new HashMap<>();
    private boolean started;
    private boolean lost;

    PgWireReader(PgStatementLog log) {
        this.log = log;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        if (lost) {
            return;
        }
        try {
            parse(bytes, offset, length);
        } catch (RuntimeException e) {
            // a message this reader does not understand: stop reading this connection, never break it
            lost = true;
            log.add(new PgStatementLog.Statement("-- unreadable: " + e, List.of()));
        }
    }

    private void parse(byte[] bytes, int offset, int length) {
        pending.write(bytes, offset, length);
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        while (true) {
            int headerSize = started ? 5 : 4;
            if (buffer.remaining() < headerSize) {
                break;
            }
            int start = buffer.position();
            byte type = started ? buffer.get() : 0;
            int size = buffer.getInt();
            if (buffer.remaining() < size - 4) {
                buffer.position(start);
                break;
            }
            ByteBuffer body = buffer.slice(buffer.position(), size - 4);
            buffer.position(buffer.position() + size - 4);
            if (started) {
                read(type, body);
            } else {
                int code = body.getInt();
                started = code != SSL_REQUEST && code != GSS_REQUEST;
            }
        }
        byte[] rest = new byte[buffer.remaining()];
        buffer.get(rest);
        pending.reset();
        pending.writeBytes(rest);
    }

    private void read(byte type, ByteBuffer body) {
        switch (type) {
            case 'P' -> {
                String name = cString(body);
                statementSql.put(name, cString(body));
                int[] types = new int[body.getShort()];
                for (int i = 0; i < types.length; i++) {
                    types[i] = body.getInt();
                }
                statementTypes.put(name, types);
            }
            case 'B' -> bind(body);
            case 'E' -> {
                String portal = cString(body);
                String statement = portalStatement.getOrDefault(portal, "");
                log.add(new PgStatementLog.Statement(statementSql.getOrDefault(statement, "?"),
                        portalParameters.getOrDefault(portal, List.of())));
            }
            case 'Q' -> log.add(new PgStatementLog.Statement(cString(body), List.of()));
            default -> {
                // Sync, Describe, Close, Flush, Terminate, password and copy messages: nothing executed
            }
        }
    }

    private void bind(ByteBuffer body) {
        String portal = cString(body);
        String statement = cString(body);
        short[] formats = new short[body.getShort()];
        for (int i = 0; i < formats.length; i++) {
            formats[i] = body.getShort();
        }
        int[] types = statementTypes.getOrDefault(statement, new int[0]);
        int count = body.getShort();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = body.getInt();
            if (length < 0) {
                values.add(null);
                continue;
            }
            byte[] value = new byte[length];
            body.get(value);
            boolean binary = formats.length == 1 ? formats[0] == 1 : formats.length > i && formats[i] == 1;
            values.add(binary ? binary(value, i < types.length ? types[i] : 0)
                    : new String(value, StandardCharsets.UTF_8));
        }
        portalStatement.put(portal, statement);
        portalParameters.put(portal, values);
    }

    private static String binary(byte[] value, int oid) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return switch (oid) {
            case OID_BOOL -> Boolean.toString(value[0] != 0);
            case OID_INT2 -> Short.toString(buffer.getShort());
            case OID_INT4 -> Integer.toString(buffer.getInt());
            case OID_INT8 -> Long.toString(buffer.getLong());
            case OID_UUID -> new UUID(buffer.getLong(), buffer.getLong()).toString();
            default -> "\\x" + HexFormat.of().formatHex(value);
        };
    }

    private static String cString(ByteBuffer body) {
        int start = body.position();
        while (body.get() != 0) {
            // up to the terminating NUL
        }
        byte[] text = new byte[body.position() - start - 1];
        body.get(start, text);
        return new String(text, StandardCharsets.UTF_8);
    }
}
