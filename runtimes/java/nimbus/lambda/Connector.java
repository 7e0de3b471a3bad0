// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

/**
 * Opens the Runtime API connection on a thread of its own while the main thread loads the function's handler: a
 * JVM's first socket costs milliseconds (libnet and libnio, InetAddress, the socket options, the JDK's first
 * lambdas), which the handler's class loading hides on a second core. A java.net.Socket made for Proxy.NO_PROXY is
 * the platform's NioSocketImpl without SOCKS or a ProxySelector, and without the SelectorProvider a SocketChannel
 * looks up through ServiceLoader (measured: ~10 vs ~20 ms for a first connect). A subclass, not a lambda: a lambda
 * here would pay the invokedynamic bootstrap on the main thread.
 */
final class Connector extends Thread {
    private final String host;
    private final int port;
    private Socket channel;
    private IOException failure;

    Connector(String host, int port) {
        super("nimbus-runtime-connect");
        setDaemon(true);
        this.host = host;
        this.port = port;
    }

    /** Opens a connection on the calling thread. */
    static Socket open(String host, int port) throws IOException {
        Socket socket = new Socket(Proxy.NO_PROXY);
        socket.connect(new InetSocketAddress(host, port));
        socket.setTcpNoDelay(true);
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
    Socket take() throws IOException {
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
