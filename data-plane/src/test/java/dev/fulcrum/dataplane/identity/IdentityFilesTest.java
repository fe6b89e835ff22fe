package dev.fulcrum.dataplane.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's certificate files: swapped in one step, the key readable by the proxy alone. */
class IdentityFilesTest {
  @TempDir Path temp;

  private static WorkloadCertificate certificate() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    X500Name name = new X500Name("CN=self");
    X509Certificate self = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.ONE, Date.from(Instant.now()), Date.from(Instant.now().plus(Duration.ofHours(1))), name, key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    return new WorkloadCertificate(SpiffeId.ofWorkload("default/echo", SpiffeId.DEFAULT_TRUST_DOMAIN), key.getPrivate(),
        List.of(self), List.of(self));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void aDirectoryItMakesIsTheProxysAlone() throws Exception {
    IdentityFiles files = new IdentityFiles(temp.resolve("identity"));
    files.write(certificate());
    assertEquals("rwx------", mode(temp.resolve("identity")));
    assertEquals("rw-------", mode(temp.resolve("identity").resolve(MeshTls.PRIVATE_KEY_FILE)));
    files.delete();
    assertFalse(Files.exists(temp.resolve("identity")));
  }

  @Test
  void aDirectoryGivenKeepsItsModeAsAnEmptyDirDoesAndTheKeyIsStillTheProxysAlone() throws Exception {
    // A pod's emptyDir: the kubelet's, 0777; the proxy (not its owner) may not change its mode.
    Path emptyDir = Files.createDirectory(temp.resolve("emptydir"));
    Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    IdentityFiles files = new IdentityFiles(emptyDir);
    files.write(certificate());
    files.write(certificate()); // a renewal: the previous version goes
    assertEquals("rwxrwxrwx", mode(emptyDir), "left as it was given");
    Path version = emptyDir.resolve(Files.readSymbolicLink(emptyDir.resolve(IdentityFiles.CURRENT)));
    assertEquals("rwx------", mode(version));
    assertEquals("rw-------", mode(version.resolve(MeshTls.PRIVATE_KEY_FILE)));
    try (var entries = Files.list(emptyDir)) {
      assertEquals(1, entries.filter(entry -> entry.getFileName().toString().startsWith("..version-")).count(),
          "one version kept");
    }
    files.delete();
    assertFalse(Files.exists(emptyDir), "emptied, and removed where it may be (a mount point stays)");
  }
}
