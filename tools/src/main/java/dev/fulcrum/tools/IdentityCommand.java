package dev.fulcrum.tools;

import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.tools.Fulcrum.UsageException;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.IdentityFiles;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "identity", mixinStandardHelpOptions = true,
    description = {
        "Keeps a workload certificate renewed for a proxyless grpc-xds application: cert.pem, key.pem and",
        "ca.pem in --out, from the control plane's identity service; with --bootstrap, also writes the",
        "application's grpc-xds bootstrap (the control plane, a file_watcher certificate provider on those",
        "files, and the Listener names of its xDS servers). grpc's XdsServerCredentials and",
        "XdsChannelCredentials then speak mTLS to each other and to Fulcrum's sidecars."})
public final class IdentityCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(IdentityCommand.class);

  @Option(names = "--xds-server", required = true, paramLabel = "HOST:PORT", description = "The control plane's ADS address.")
  String xdsServer;

  @Option(names = "--identity", required = true, paramLabel = "NAMESPACE/SERVICEACCOUNT", description = "The identity to certify.")
  String identity;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the certificate, key and anchors go.")
  Path out;

  @Option(names = "--bootstrap", paramLabel = "FILE", description = "Write the application's grpc-xds bootstrap here.")
  Path bootstrap;

  @Option(names = DefaultInboundPolicy.FLAG, paramLabel = "allow|authenticated|deny",
      description = "With --bootstrap: what the application's xDS servers accept when no Authorization selects them"
          + " (default: the control plane's).")
  String defaultInboundPolicy;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "In Kubernetes: the pod's projected ServiceAccount token, which proves the identity.")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    String controlPlane = HostPort.parse("--xds-server", xdsServer).toString();
    WorkloadFlags.check("--identity", identity, "--token-file", tokenFile);
    Optional<DefaultInboundPolicy> defaultPolicy = Optional.ofNullable(defaultInboundPolicy).map(value ->
        DefaultInboundPolicy.of(value.trim()).orElseThrow(() -> new UsageException(DefaultInboundPolicy.FLAG + ": '"
            + value + "' is not one of " + DefaultInboundPolicy.choices())));
    WorkloadIdentity workload = new WorkloadIdentity(
        new IdentityClient(controlPlane, identity, Optional.ofNullable(tokenFile)), new IdentityFiles(out),
        new SimpleMeterRegistry(), Clock.systemUTC()).start();
    if (bootstrap != null) {
      Path next = bootstrap.resolveSibling(bootstrap.getFileName() + ".next");
      Files.writeString(next, XdsBootstrap.proxyless(controlPlane, "fulcrum-proxyless-" + identity.replace('/', '.'),
          Optional.of(new XdsBootstrap.ProxylessServer(out.toAbsolutePath(), identity, defaultPolicy))));
      Files.move(next, bootstrap, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.info("wrote the grpc-xds bootstrap {}: run the application with GRPC_XDS_BOOTSTRAP={}", bootstrap, bootstrap);
    }
    log.info("keeping {}'s certificate in {}, renewed before it ends", workload.current().id(), out);
    Runtime.getRuntime().addShutdownHook(new Thread(workload::close));
    new CountDownLatch(1).await();
    return 0;
  }
}
