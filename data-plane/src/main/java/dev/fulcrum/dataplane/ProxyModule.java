package dev.fulcrum.dataplane;

import dagger.Module;
import dagger.Provides;
import dev.fulcrum.dataplane.authz.PolicySubscription;
import dev.fulcrum.dataplane.capture.MeshServices;
import dev.fulcrum.dataplane.forward.InboundServer;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.IdentityFiles;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import javax.inject.Singleton;

@Module
interface ProxyModule {
  /** Where a key goes when none is said: memory (a tmpfs), so that it never reaches a disk. */
  Path TMPFS = Path.of("/dev/shm");

  /** The proxy's identity, when it has one: certified by the control plane on its ADS address. */
  @Provides
  @Singleton
  static Optional<WorkloadIdentity> identity(ProxyConfig config, ProxyTelemetry telemetry) {
    return config.identity().map(identity -> new WorkloadIdentity(
        new IdentityClient(config.xdsServer(), identity.workload(), identity.tokenFile()),
        new IdentityFiles(identity.dir().orElseGet(ProxyModule::privateDirectory)),
        telemetry.registry(), Clock.systemUTC()));
  }

  /** The inbound side, when configured. */
  @Provides
  @Singleton
  static Optional<InboundServer> inbound(ProxyConfig config, javax.inject.Provider<InboundServer> server) {
    return config.inbound().isPresent() ? Optional.of(server.get()) : Optional.empty();
  }

  /** The inbound side's policy subscription, when there is an inbound side. */
  @Provides
  @Singleton
  static Optional<PolicySubscription> inboundPolicy(ProxyConfig config, javax.inject.Provider<PolicySubscription> subscription) {
    return config.inbound().isPresent() ? Optional.of(subscription.get()) : Optional.empty();
  }

  /** The mesh's service names, when the pod's connections are captured. */
  @Provides
  @Singleton
  static Optional<MeshServices> meshServices(ProxyConfig config, javax.inject.Provider<MeshServices> services) {
    return config.capture().isPresent() ? Optional.of(services.get()) : Optional.empty();
  }

  /** A new directory only this user can enter, on a tmpfs where there is one. */
  private static Path privateDirectory() {
    try {
      Path parent = Files.isDirectory(TMPFS) && Files.isWritable(TMPFS) ? TMPFS : Path.of(System.getProperty("java.io.tmpdir"));
      return Files.createTempDirectory(parent, "fulcrum-identity-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("could not make a directory for the proxy's key", e);
    }
  }
}
