package dev.fulcrum.controlplane.source;

import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;

/**
 * File mode's resolver: a target's name is a host name (looked up through the system resolver,
 * so {@code /etc/hosts} and DNS) or a literal IP, and every address it has is an endpoint.
 */
public final class DnsEndpointResolver implements EndpointResolver {

  @Inject
  public DnsEndpointResolver() {}

  @Override
  public List<Endpoint> resolve(Target target) throws UnresolvedTargetException {
    try {
      return Arrays.stream(InetAddress.getAllByName(target.name()))
          .map(address -> new Endpoint(address.getHostAddress(), target.port()))
          .distinct()
          .toList();
    } catch (UnknownHostException e) {
      throw new UnresolvedTargetException("cannot resolve host '" + target.name() + "'");
    }
  }
}
