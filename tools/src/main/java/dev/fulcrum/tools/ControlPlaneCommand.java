package dev.fulcrum.tools;

import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "control-plane", mixinStandardHelpOptions = true,
    description = {
        "Serves the Links of a YAML file to proxies over xDS (ADS), re-reading the file when it changes,",
        "and a dashboard of the proxies' traffic on the admin port."})
public final class ControlPlaneCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "YAML file of Link documents, separated by ---.")
  Path config;

  @Option(names = "--xds-port", defaultValue = "18000", description = "Port to serve ADS on (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--xds-address", defaultValue = "0.0.0.0", description = "Address to serve ADS on (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(names = "--admin-port", defaultValue = "" + ControlPlaneConfig.DEFAULT_ADMIN_PORT,
      description = "Port of the dashboard: / and /api/stats (default: ${DEFAULT-VALUE}).")
  int adminPort;

  // Loopback: the dashboard has no authentication. kubectl port-forward reaches it there; to serve
  // it to a network, say so with --admin-address.
  @Option(names = "--admin-address", defaultValue = "127.0.0.1",
      description = "Address of the dashboard (default: ${DEFAULT-VALUE}; it has no authentication).")
  String adminAddress;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(config)) {
      throw new UsageException("--config: cannot read " + config);
    }
    // Refuse a bad file at start; once running, a bad edit is logged and the last good Links serve on.
    List<String> errors = MeshReconciler.check(
        LinkYaml.read(config.getFileName().toString(), Files.readString(config)));
    if (!errors.isEmpty()) {
      throw new UsageException(String.join("; ", errors));
    }
    if (adminPort < 0 || adminPort > 65535) {
      throw new UsageException("--admin-port: " + adminPort + " is not a port (0-65535)");
    }
    ControlPlane controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(
        new InetSocketAddress(xdsAddress, xdsPort), new InetSocketAddress(adminAddress, adminPort)),
        new FileLinkSource(config));
    controlPlane.start();
    Runtime.getRuntime().addShutdownHook(new Thread(controlPlane::close));
    new CountDownLatch(1).await();
    return 0;
  }
}
