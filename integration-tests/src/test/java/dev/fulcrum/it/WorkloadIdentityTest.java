package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.source.StaticLinkSource;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.IdentityFiles;
import dev.fulcrum.dataplane.identity.WorkloadCertificate;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proxy's certificate from the control plane's identity service: renewed, put in its files, kept when the control plane is gone. */
class WorkloadIdentityTest {
  @TempDir
  Path dir;

  private ControlPlane controlPlane(Duration lifetime) throws Exception {
    return ControlPlaneComponent.create(ControlPlaneConfig.xdsOnly(new InetSocketAddress("127.0.0.1", 0))
            .withIdentity(IdentityConfig.inDirectory(dir.resolve("ca"), SpiffeId.DEFAULT_TRUST_DOMAIN, lifetime)),
        new StaticLinkSource("none", List.of())).start();
  }

  private static double count(SimpleMeterRegistry registry, String result) {
    return registry.get("fulcrum.identity.renewals").tag("result", result).counter().count();
  }

  private static X509Certificate leafInFile(Path files) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Files.readAllBytes(files.resolve(MeshTls.CERTIFICATE_FILE))));
  }

  @Test
  void renewedBeforeItEndsWithANewKeyAndTheFilesFollow() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ControlPlane controlPlane = controlPlane(Duration.ofSeconds(3));
        WorkloadIdentity identity = new WorkloadIdentity(
            new IdentityClient("127.0.0.1:" + controlPlane.xdsPort(), "default/client", Optional.empty()),
            new IdentityFiles(dir.resolve("proxy")), registry, Clock.systemUTC()).start()) {
      WorkloadCertificate first = identity.current();
      assertEquals("spiffe://cluster.local/ns/default/sa/client", first.id().toString());
      assertArrayEquals(first.leaf().getEncoded(), leafInFile(dir.resolve("proxy")).getEncoded());
      Await.until(() -> identity.current() != first, Duration.ofSeconds(5), "a renewal");
      WorkloadCertificate second = identity.current();
      assertTrue(second.notAfter().isAfter(first.notAfter()));
      assertTrue(first.notAfter().isAfter(java.time.Instant.now()), "renewed before the first one ended");
      assertNotEquals(first.key(), second.key(), "a new key for each certificate");
      Await.until(() -> {
        try {
          return java.util.Arrays.equals(identity.current().leaf().getEncoded(), leafInFile(dir.resolve("proxy")).getEncoded());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, Duration.ofSeconds(2), "the files holding the current certificate");
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("proxy").resolve(MeshTls.PRIVATE_KEY_FILE))));
      assertEquals(0, count(registry, "failed"));
    }
  }

  @Test
  void withTheControlPlaneGoneTheCertificateServesOnAndFailedRenewalsAreCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ControlPlane controlPlane = controlPlane(Duration.ofSeconds(3));
    try (WorkloadIdentity identity = new WorkloadIdentity(
        new IdentityClient("127.0.0.1:" + controlPlane.xdsPort(), "default/client", Optional.empty()),
        new IdentityFiles(dir.resolve("proxy")), registry, Clock.systemUTC()).start()) {
      controlPlane.close();
      WorkloadCertificate kept = identity.current();
      Await.until(() -> count(registry, "failed") >= 2, Duration.ofSeconds(5), "failed renewals counted");
      assertSame(kept, identity.current(), "the last certificate still in use");
      assertTrue(Files.exists(dir.resolve("proxy").resolve(MeshTls.CERTIFICATE_FILE)));
    }
  }
}
