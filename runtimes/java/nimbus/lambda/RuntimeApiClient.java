// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A Lambda Runtime API (2018-06-01) client over one keep-alive HTTP/1.1 connection. java.net.http and
 * HttpURLConnection cost tens of milliseconds of class loading at a cold start; a plain socket (see Connector) does
 * not. The Runtime API needs only GET /next and three POSTs with a Content-Length.
 */
final class RuntimeApiClient {
    static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    private static final String PREFIX = "/2018-06-01/runtime";
    /** Nimbus's answer to every result, which comes with the next event (see request): taken without parsing it. */
    private static final byte[] ACCEPTED =
        "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Response ACCEPTED_RESPONSE =
        new Response(202, Map.of("content-type", "application/json", "content-length", "15"), "{\"status\":\"OK\"}".getBytes(StandardCharsets.US_ASCII));

    private final String host;
    private final int port;
    private Socket socket;
    private Connector ahead;
    private InputStream in;
    private OutputStream out;
    /** A /next went with the last result (see request): only its answer is left to read. */
    private boolean nextSent;

    RuntimeApiClient(String address) {
        int colon = address.lastIndexOf(':');
        this.host = colon < 0 ? address : address.substring(0, colon);
        this.port = colon < 0 ? 80 : Integer.parseInt(address.substring(colon + 1));
    }

    /** Starts opening the connection on another thread; the first request takes it (or its failure). */
    void connectAhead() {
        ahead = new Connector(host, port);
        ahead.start();
    }

    /** One response: lower-case header names. */
    static final class Response {
        final int status;
        final Map<String, String> headers;
        final byte[] body;

        Response(int status, Map<String, String> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    Response next() throws IOException {
        // Asked already with the last result, or now. A lost connection ends the runtime either way (as before).
        Response next = nextSent && socket != null ? readResponse() : request("GET", PREFIX + "/invocation/next", null, null, null);
        nextSent = false;
        if (next.status != 200) {
            // The Runtime API fails /next only when the environment is going away: the runtime exits.
            throw new IOException("GET /next answered " + next.status);
        }
        return next;
    }

    /** The result, with the next /next in the same write (see request); next() reads its answer. */
    void postResponse(String requestId, byte[] payload, String contentType) throws IOException {
        request("POST", PREFIX + "/invocation/" + requestId + "/response", payload, contentType, null, true);
    }

    void postError(String requestId, byte[] error, String errorType) throws IOException {
        request("POST", PREFIX + "/invocation/" + requestId + "/error", error, "application/json", errorType, true);
    }

    void postInitError(byte[] error, String errorType) throws IOException {
        request("POST", PREFIX + "/init/error", error, "application/json", errorType);
    }

    /** SnapStart: returns once the environment is restored (taken for use). */
    void restoreNext() throws IOException {
        Response restored = request("GET", PREFIX + "/restore/next", null, null, null);
        if (restored.status != 200) {
            throw new IOException("GET /restore/next answered " + restored.status);
        }
    }

    void postRestoreError(byte[] error, String errorType) throws IOException {
        request("POST", PREFIX + "/restore/error", error, "application/json", errorType);
    }

    private Response request(String method, String path, byte[] body, String contentType, String errorType) throws IOException {
        return request(method, path, body, contentType, errorType, false);
    }

    /**
     * thenNext: GET /next goes in the same write (HTTP pipelining; Nimbus answers in order and sends the result's 202
     * with the next event, so the runtime wakes once per invocation); next() then reads its answer.
     */
    private Response request(String method, String path, byte[] body, String contentType, String errorType, boolean thenNext)
            throws IOException {
        if (socket == null) {
            Connector opened = ahead;
            ahead = null;
            socket = opened != null ? opened.take() : Connector.open(host, port);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
        }

        StringBuilder head = new StringBuilder(160);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
            .append("\r\nUser-Agent: nimbus-java\r\n");
        if (errorType != null && !errorType.isEmpty()) {
            head.append(ERROR_TYPE_HEADER).append(": ").append(errorType.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType == null ? "application/json" : contentType)
                .append("\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] next = thenNext
            ? ("GET " + PREFIX + "/invocation/next HTTP/1.1\r\nHost: " + host + ':' + port + "\r\nUser-Agent: nimbus-java\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8)
            : new byte[0];
        int bodyLength = body == null ? 0 : body.length;
        if (bodyLength + headBytes.length + next.length > 65536) {
            out.write(headBytes);
            if (body != null) {
                out.write(body);
            }
            out.write(next);
        } else {
            byte[] all = new byte[headBytes.length + bodyLength + next.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            if (body != null) {
                System.arraycopy(body, 0, all, headBytes.length, bodyLength);
            }
            System.arraycopy(next, 0, all, headBytes.length + bodyLength, next.length);
            out.write(all);
        }
        out.flush();
        Response answer = readResponse();
        nextSent = thenNext && socket != null;
        return answer;
    }

    private Response readResponse() throws IOException {
        if (in.available() >= ACCEPTED.length) {
            // Only what is buffered already is looked at (a read here must not wait for bytes that may never come).
            in.mark(ACCEPTED.length);
            if (java.util.Arrays.equals(in.readNBytes(ACCEPTED.length), ACCEPTED)) {
                return ACCEPTED_RESPONSE;
            }
            in.reset();
        }
        String status = readLine();
        if (status == null) {
            throw new IOException("the Runtime API closed the connection");
        }
        int space = status.indexOf(' ');
        int code = Integer.parseInt(status.substring(space + 1, space + 4));
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            while (true) {
                String size = readLine();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = readLine();
                        if (trailer == null || trailer.isEmpty()) {
                            break;
                        }
                    }
                    break;
                }
                chunks.write(in.readNBytes(n));
                readLine();
            }
            body = chunks.toByteArray();
        } else {
            body = new byte[0];
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            socket.close();
            socket = null;
        }
        return new Response(code, headers, body);
    }

    private String readLine() throws IOException {
        // Header values are UTF-8 (a client context is JSON).
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }
}
