package dev.fulcrum.it.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A process run inside a test's network namespace: for each {@code NAME:PORT} argument it listens
 * on every address at PORT and answers each connection with NAME and a newline, then closes it;
 * so a client learns which listener its connection reached. Prints {@code listening} once all are
 * bound.
 */
public final class TcpResponder {
  private TcpResponder() {}

  public static void main(String[] args) throws IOException {
    List<Thread> threads = new ArrayList<>();
    for (String arg : args) {
      String name = arg.substring(0, arg.lastIndexOf(':'));
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(Integer.parseInt(arg.substring(arg.lastIndexOf(':') + 1))));
      Thread thread = new Thread(() -> answer(server, name), "responder-" + name);
      thread.start();
      threads.add(thread);
    }
    System.out.println("listening");
    System.out.flush();
  }

  private static void answer(ServerSocket server, String name) {
    while (true) {
      try (Socket connection = server.accept()) {
        OutputStream out = connection.getOutputStream();
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        System.err.println("responder " + name + ": " + e.getMessage());
      }
    }
  }
}
