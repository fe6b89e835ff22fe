package dev.fulcrum.it;

import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.testing.Await;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the proxyless tests share: a file-mode control plane issuing identities (its CA in
 * {@code dir/ca}), and a workload certified by {@code tools/fulcrum identity}, which keeps its
 * files and writes its grpc-xds bootstrap.
 */
final class ProxylessWorkloads {
  static final Duration START = Duration.ofSeconds(60);

  private ProxylessWorkloads() {}

  /** A started control plane serving {@code links}, ADS on a free loopback port. */
  static ControlPlane controlPlane(Path dir, Path links) throws Exception {
    return ControlPlaneComponent.create(
        ControlPlaneConfig.xdsOnly(new InetSocketAddress("127.0.0.1", 0))
            .withIdentity(IdentityConfig.inDirectory(dir.resolve("ca"), SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofHours(1))),
        new FileLinkSource(links)).start();
  }

  /**
   * Starts {@code tools/fulcrum identity} for {@code identity} (its files in {@code dir/name}, its
   * log {@code dir/name-identity.log}), adds the process to {@code processes}, and returns the
   * bootstrap it wrote ({@code dir/name.json}) once it is there.
   */
  static Path certify(Path dir, String xds, String identity, String name, List<Process> processes) throws Exception {
    Path bootstrap = dir.resolve(name + ".json");
    Path log = dir.resolve(name + "-identity.log");
    processes.add(Launcher.start(Map.of(), log, "identity", "--xds-server", xds, "--identity", identity,
        "--out", dir.resolve(name).toString(), "--bootstrap", bootstrap.toString()));
    try {
      Await.until(() -> Files.exists(bootstrap), START, name + "'s bootstrap written");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; its log:\n" + Files.readString(log), e);
    }
    return bootstrap;
  }
}
