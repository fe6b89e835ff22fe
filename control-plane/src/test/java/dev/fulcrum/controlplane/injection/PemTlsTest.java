package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.identity.Pem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.controlplane.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key and certificate encodings a TLS Secret holds, and one clear line for those it cannot use. */
class PemTlsTest {
  @TempDir Path dir;

  @Test
  void readsPkcs8RsaAndEcKeys() throws Exception {
    for (String algorithm : List.of("RSA", "EC")) {
      SelfSigned pair = SelfSigned.create(dir, algorithm);
      SSLContext context = PemTls.serverContext(pair.certificate(), pair.privateKey());
      assertNotNull(context.createSSLEngine(), algorithm);
    }
  }

  @Test
  void readsWhatOpensslWritesPkcs1RsaIncluded() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "no openssl");
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    SelfSigned.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", crt.toString()));
    assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"));
    assertNotNull(PemTls.serverContext(crt, key));

    Path pkcs1 = dir.resolve("tls-rsa.key");
    SelfSigned.run(List.of("openssl", "rsa", "-traditional", "-in", key.toString(), "-out", pkcs1.toString()));
    assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    assertNotNull(PemTls.serverContext(crt, pkcs1));
  }

  @Test
  void filesItCannotUseAreNamedInOneLine() throws Exception {
    SelfSigned pair = SelfSigned.create(dir, "RSA");
    Path missing = dir.resolve("nope.key");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    Path encrypted = Files.writeString(dir.resolve("enc.key"), Pem.block("ENCRYPTED PRIVATE KEY", new byte[] {1, 2}));
    SelfSigned other = SelfSigned.create(Files.createDirectory(dir.resolve("other")), "RSA");

    assertEquals(missing + ": cannot read it (" + missing + ")",
        assertThrows(IllegalStateException.class, () -> PemTls.serverContext(pair.certificate(), missing)).getMessage());
    assertTrue(assertThrows(IllegalStateException.class, () -> PemTls.serverContext(garbage, pair.privateKey()))
        .getMessage().startsWith(garbage + ": "));
    assertEquals(garbage + ": no PEM private key in it",
        assertThrows(IllegalStateException.class, () -> PemTls.serverContext(pair.certificate(), garbage)).getMessage());
    assertEquals(encrypted + ": a ENCRYPTED PRIVATE KEY, not an unencrypted PKCS#8 key; convert it with openssl pkcs8 -topk8 -nocrypt",
        assertThrows(IllegalStateException.class, () -> PemTls.serverContext(pair.certificate(), encrypted)).getMessage());
    assertTrue(assertThrows(IllegalStateException.class, () -> PemTls.serverContext(pair.certificate(), other.privateKey()))
        .getMessage().startsWith(other.privateKey() + ": does not go with " + pair.certificate()));
  }
}
