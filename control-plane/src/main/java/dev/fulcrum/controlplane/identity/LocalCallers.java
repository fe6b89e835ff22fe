package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.SpiffeId;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * File mode's check, for development on one machine: a caller on loopback gets whatever identity it
 * asks for, and no one else gets any. The control plane says so when it starts.
 */
public final class LocalCallers implements CallerCheck {

  @Override
  public String check(CertifyRequest request, SpiffeId id, SocketAddress caller) throws Refused {
    boolean local = caller instanceof InetSocketAddress inet && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
    if (!local) {
      throw new Refused("file mode certifies callers on this machine (loopback) only; " + caller + " is not");
    }
    return "local caller " + caller;
  }
}
