package dev.fulcrum.it.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A process run inside a test's network namespace: an HTTP/1.1 server on PORT (every address) that
 * answers each request with the request itself, every byte as it came, as its body. Prints
 * {@code listening} once bound.
 */
public final class HttpEchoServer {
  private HttpEchoServer() {}

  public static void main(String[] args) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(Integer.parseInt(args[0])));
    System.out.println("listening");
    System.out.flush();
    while (true) {
      try (Socket connection = server.accept()) {
        byte[] request = readHead(connection.getInputStream());
        OutputStream out = connection.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + request.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(request);
        out.flush();
      } catch (IOException e) {
        System.err.println("http echo: " + e.getMessage());
      }
    }
  }

  /** The request line and headers, up to and with the blank line that ends them. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b = in.read(); b != -1; b = in.read()) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == end.length) {
        break;
      }
    }
    return head.toByteArray();
  }
}
