package dev.fulcrum.tools;

import dev.fulcrum.tools.Fulcrum.UsageException;
import java.net.InetSocketAddress;

/** {@code host:port} flags. */
public record HostPort(String host, int port) {

  public static HostPort parse(String flag, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new UsageException(flag + ": '" + text + "' is not HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(flag + ": '" + text + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new UsageException(flag + ": port " + port + " is out of range (1-65535)");
    }
    return new HostPort(text.substring(0, colon), port);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
