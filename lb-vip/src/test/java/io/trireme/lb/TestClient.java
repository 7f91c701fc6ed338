package io.trireme.lb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking client of the LB that knows which {@link TagServer} it reached. */
final class TestClient implements AutoCloseable {

    final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    TestClient(InetSocketAddress lb) throws IOException {
        socket = new Socket();
        socket.connect(lb, 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    /** Connects and reads the backend's greeting; returns the backend name. */
    static TestClient tagged(InetSocketAddress lb) throws IOException {
        return new TestClient(lb);
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    String echo(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.readLine();
    }

    /** Waits up to {@code limit} for the peer to close; true on EOF or reset, false on timeout. */
    boolean closedWithin(Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
