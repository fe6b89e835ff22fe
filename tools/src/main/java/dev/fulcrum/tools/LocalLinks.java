package dev.fulcrum.tools;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkSpec;
import dev.fulcrum.api.link.LinkSpec.ServiceRef;
import dev.fulcrum.api.link.LinkSpec.TargetRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Links for backends on this machine, as the proxy's quick form and the demo declare them. */
public final class LocalLinks {
  /** The service name the quick form routes every call to. */
  public static final String SERVICE = "local-targets";

  private LocalLinks() {}

  /** One Link: {@code service:servicePort} balanced round-robin over 127.0.0.1 at each port. */
  public static Link forPorts(String name, String service, int servicePort, List<Integer> ports) {
    Link link = new Link();
    link.setMetadata(new ObjectMetaBuilder().withName(name).build());
    link.setSpec(new LinkSpec(
        new ServiceRef(service, servicePort),
        ports.stream().map(port -> new TargetRef("127.0.0.1", port)).toList(),
        "round-robin",
        null));
    return link;
  }

  /** The same Link as YAML in the format users write, for the demo's file. */
  public static String yaml(String name, String service, int servicePort, List<Integer> ports) {
    return yaml(name, service, servicePort, ports, List.of());
  }

  /**
   * As YAML, each target {@code ports[i]} reached over mTLS as {@code identities[i]} (NS/SA) when
   * that is given: an inbound sidecar's port and the identity it must prove.
   */
  public static String yaml(String name, String service, int servicePort, List<Integer> ports, List<String> identities) {
    StringBuilder yaml = new StringBuilder()
        .append("apiVersion: linkerd.io/v1alpha1\n")
        .append("kind: Link\n")
        .append("metadata: {name: ").append(name).append("}\n")
        .append("spec:\n")
        .append("  service: {name: ").append(service).append(", port: ").append(servicePort).append("}\n")
        .append("  target:\n");
    for (int i = 0; i < ports.size(); i++) {
      yaml.append("    - {name: 127.0.0.1, port: ").append(ports.get(i));
      if (i < identities.size()) {
        yaml.append(", identity: ").append(identities.get(i));
      }
      yaml.append("}\n");
    }
    return yaml.append("  strategy: round-robin\n")
        .append("  policy:\n")
        .append("    request-timeout: 5s\n")
        .append("    retry-on: [\"cancelled\", \"deadline-exceeded\"]\n")
        .toString();
  }
}
