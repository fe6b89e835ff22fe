package dev.fulcrum.tools;

import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.source.StaticLinkSource;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The proxy's quick form: a control plane in the same process serving one Link for 127.0.0.1 at
 * the given ports. Its own class, so that {@link ProxyCommand} loads where the control plane's jars
 * are absent (the proxy's image).
 */
final class QuickControlPlane implements AutoCloseable {
  private final ControlPlane controlPlane;

  private QuickControlPlane(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  /** Starts it on an ephemeral loopback port; every call to {@code LocalLinks.SERVICE:servicePort} goes to the ports. */
  static QuickControlPlane start(int servicePort, List<Integer> targetPorts) throws Exception {
    ControlPlane controlPlane = ControlPlaneComponent.create(new InetSocketAddress("127.0.0.1", 0), new StaticLinkSource(
        "--target-ports", List.of(LocalLinks.forPorts("local", LocalLinks.SERVICE, servicePort, targetPorts))));
    controlPlane.start();
    return new QuickControlPlane(controlPlane);
  }

  String xdsServer() {
    return "127.0.0.1:" + controlPlane.xdsPort();
  }

  @Override
  public void close() {
    controlPlane.close();
  }
}
