package dev.appusers.keycloak.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a database server refuses a new connection, in its own wire protocol, so {@link TcpProxy#refuse} can play a
 * server state no test can safely cause on the shared server (PostgreSQL starting up, MariaDB out of connections).
 */
@FunctionalInterface
public interface WireRefusal {

    /** Talks to the client of one new connection until the refusal is sent; the proxy closes it afterwards. */
    void answer(InputStream fromClient, OutputStream toClient) throws IOException;

    /**
     * A PostgreSQL server refusing at startup, as its postmaster does while starting up or shutting down: SSL and GSS
     * encryption requests are declined ({@code N}), the startup message is read, then one {@code ErrorResponse}
     * (severity FATAL, {@code sqlState}, {@code message}) is sent (protocol 3.0, "Message Formats").
     */
    static WireRefusal postgres(String sqlState, String message) {
        return (fromClient, toClient) -> {
            DataInputStream in = new DataInputStream(fromClient);
            while (true) {
                int length = in.readInt();
                byte[] body = in.readNBytes(length - 4);
                boolean encryptionRequest = length == 8 && body.length == 4
                        && (java.nio.ByteBuffer.wrap(body).getInt() == 80877103   // SSLRequest
                        || java.nio.ByteBuffer.wrap(body).getInt() == 80877104);  // GSSENCRequest
                if (!encryptionRequest) {
                    break;
                }
                toClient.write('N');
                toClient.flush();
            }
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            field(fields, 'S', "FATAL");
            field(fields, 'V', "FATAL");
            field(fields, 'C', sqlState);
            field(fields, 'M', message);
            fields.write(0);
            byte[] payload = fields.toByteArray();
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.write('E');
            int length = payload.length + 4;
            packet.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                    (byte) length});
            packet.write(payload);
            toClient.write(packet.toByteArray());
            toClient.flush();
        };
    }

    /**
     * A MariaDB or MySQL server refusing before its handshake, as one does with {@code max_connections} reached: the
     * first packet (sequence 0) is an ERR packet, {@code 0xFF}, the error code (two bytes, little-endian) and the
     * message. No {@code #SQLSTATE} part: the client's capabilities are not known yet, so a real server sends none
     * either and the client reports SQLState HY000 with the error code.
     */
    static WireRefusal mariadb(int errorCode, String message) {
        return (fromClient, toClient) -> {
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            int length = 3 + text.length;
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.write(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), 0});
            packet.write(new byte[] {(byte) 0xFF, (byte) errorCode, (byte) (errorCode >>> 8)});
            packet.write(text);
            toClient.write(packet.toByteArray());
            toClient.flush();
        };
    }

    private static void field(ByteArrayOutputStream out, char type, String value) {
        out.write(type);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
