package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.contract.capture.OpaquePorts;
import java.util.Optional;

/** What the webhook does with one pod, as a value: {@link InjectionPolicy} decides, the injector acts. */
public sealed interface Decision {

  /**
   * Inject a proxy listening on these ports, within {@code cpu}; with a {@code service}, it sends
   * every call there (for applications that cannot set the {@code :authority}). As a native
   * sidecar, it is an init container that keeps running, started and ready before the pod's
   * other containers. When the control plane issues identities it is {@code identity} (the pod's
   * NAMESPACE/SERVICEACCOUNT), and with an {@code inbound} side it takes meshed callers' calls to
   * the application. With a {@code capture}, the pod's connections are sent to it.
   */
  record Inject(int outboundPort, int adminPort, Optional<String> service, ProxyCpu cpu, boolean nativeSidecar,
      Optional<String> identity, Optional<Inbound> inbound, Optional<Capture> capture) implements Decision {}

  /**
   * The inbound side: its port, the application's port it forwards to, what it accepts, and the
   * workload's own default authorization policy, if it sets one.
   */
  record Inbound(int port, int appPort, InboundTls tls, Optional<DefaultInboundPolicy> defaultPolicy) {}

  /**
   * The pod's traffic capture: what the init container installs ({@link CaptureContainer}), on the
   * proxy's ports, and the ports the proxy passes through without detection when the pod's
   * annotation names them (without one, the proxy's own default, {@link OpaquePorts#DEFAULT}).
   */
  record Capture(CaptureSettings settings, Optional<OpaquePorts> opaquePorts) {}

  /** Leave the pod alone, as expected (not opted in, opted out, already injected): logged only. */
  record Skip(String reason) implements Decision {}

  /** Leave the pod alone although it asked for a proxy: the user is told why ({@code kubectl} prints it). */
  record Warn(String warning) implements Decision {}
}
