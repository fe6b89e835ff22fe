package dev.fulcrum.controlplane.identity;

import dev.fulcrum.controlplane.tls.PemFiles;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/** A test's shorthand: the one certificate in a PEM file. */
final class PemCertificates {
  private PemCertificates() {}

  static X509Certificate one(Path file) {
    return (X509Certificate) PemFiles.certificates(file).get(0);
  }
}
