// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Opens the Runtime API connection on a thread of its own while the main thread loads the function's handler. The
 * first SocketChannel of a JVM costs ~10 ms (SelectorProvider's set-up is the JVM's first lambda: the whole
 * java.lang.invoke bootstrap), which the handler's class loading hides on a second core. A subclass, not a lambda:
 * a lambda here would pay that bootstrap on the main thread.
 */
final class Connector extends Thread {
    private final String host;
    private final int port;
    private SocketChannel channel;
    private IOException failure;

    Connector(String host, int port) {
        super("nimbus-runtime-connect");
        setDaemon(true);
        this.host = host;
        this.port = port;
    }

    /** Opens a connection on the calling thread. */
    static SocketChannel open(String host, int port) throws IOException {
        SocketChannel socket = SocketChannel.open(new InetSocketAddress(host, port));
        socket.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
        return socket;
    }

    @Override
    public void run() {
        try {
            channel = open(host, port);
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException(e);
        }
    }

    /** The connection this thread opened; its failure is thrown here, on the caller's thread. */
    SocketChannel take() throws IOException {
        boolean interrupted = false;
        while (true) {
            try {
                join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // join() orders this thread's writes before these reads.
        if (failure != null) {
            throw failure;
        }
        return channel;
    }
}
