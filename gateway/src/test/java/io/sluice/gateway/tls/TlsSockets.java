package io.sluice.gateway.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Reading what a TLS listener does to a plain socket: close it, or keep it open. */
final class TlsSockets {
  private TlsSockets() {}

  /** Everything the server sends until it closes the connection; fails when it stays open for 10 s. */
  static byte[] readUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[1024];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (SocketException e) {
      // Reset by the server: closed too.
    }
    return received.toByteArray();
  }

  /** Whether the server has closed {@code socket} (end of stream or reset), waiting up to its read timeout. */
  static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }
}
