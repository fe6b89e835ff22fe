package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mesh CA made as docs/deployment.md makes one without cert-manager, with the same openssl steps:
 * an anchor (ca.crt, ca.key) and issuers under it (issuer.crt, issuer.key), ECDSA P-256.
 */
final class OpensslCa {
  private OpensslCa() {}

  /** A new trust anchor in {@code dir}: ca.crt, ca.key. */
  static Path anchor(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    openssl(dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=" + name, "-days", "3650", "-out", "ca.crt",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return dir;
  }

  /** A new issuer in {@code dir} (issuer.crt, issuer.key), signed by the anchor in {@code anchor}. */
  static Path issuer(Path dir, Path anchor, String name) throws Exception {
    Files.createDirectories(dir);
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "issuer.key");
    openssl(dir, "req", "-new", "-key", "issuer.key", "-subj", "/CN=" + name, "-out", "issuer.csr");
    Files.writeString(dir.resolve("issuer.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    openssl(dir, "x509", "-req", "-in", "issuer.csr", "-CA", anchor.resolve("ca.crt").toString(),
        "-CAkey", anchor.resolve("ca.key").toString(), "-CAcreateserial", "-days", "365", "-extfile", "issuer.ext",
        "-out", "issuer.crt");
    return dir;
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("openssl " + String.join(" ", args) + " did not finish in 30 s");
    }
    assertEquals(0, process.exitValue(), "openssl " + String.join(" ", args) + ": " + Files.readString(log));
  }
}
