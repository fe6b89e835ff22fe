package dev.fulcrum.dataplane.capture;

import java.net.InetSocketAddress;

/**
 * The service a captured call names: its {@code :authority}, with the port it was dialled on when
 * it has none ({@code grpc-service} called on port 50051 is {@code grpc-service:50051}), since the
 * mesh's services are {@code host:port}.
 */
public final class CapturedAuthority {
  private CapturedAuthority() {}

  public static String service(String authority, InetSocketAddress originalDestination) {
    int bracket = authority.lastIndexOf(']'); // an IPv6 literal, [::1] or [::1]:port
    boolean hasPort = authority.indexOf(':', bracket + 1) >= 0;
    return hasPort ? authority : authority + ":" + originalDestination.getPort();
  }
}
