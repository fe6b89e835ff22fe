package dev.fulcrum.dataplane.identity;

import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

/**
 * The certificate as files, for grpc's {@code file_watcher} certificate provider (the proxy's
 * upstream mTLS, a proxyless application's both sides): {@link MeshTls#CERTIFICATE_FILE},
 * {@link MeshTls#PRIVATE_KEY_FILE} and {@link MeshTls#TRUST_ANCHORS_FILE} in one directory.
 *
 * <p>A renewal replaces all three at once, as Kubernetes updates a mounted Secret: they are written
 * into a new directory and a symlink ({@code ..data}) is swapped to it in one rename. grpc reads a
 * key and certificate pair only when neither changed while it read, so it never sees a certificate
 * with the previous key.
 */
public final class IdentityFiles {
  static final String CURRENT = "..data";

  private final Path dir;

  public IdentityFiles(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Writes {@code certificate}'s files, replacing the previous ones in one step. */
  public void write(WorkloadCertificate certificate) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    // A directory given is left as it is: a pod's emptyDir belongs to the kubelet (root, 0777), and
    // changing its mode is not ours to do. Each version is a directory of ours, 0700.
    Path version = Files.createTempDirectory(dir, "..version-");
    try {
      Files.writeString(version.resolve(MeshTls.CERTIFICATE_FILE), certificates(certificate.chain()));
      Files.writeString(version.resolve(MeshTls.TRUST_ANCHORS_FILE), certificates(certificate.trustAnchors()));
      Path key = version.resolve(MeshTls.PRIVATE_KEY_FILE);
      Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(key, Pem.block("PRIVATE KEY", certificate.key().getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IOException("a certificate does not encode", e);
    }
    Path link = Files.createSymbolicLink(dir.resolve(CURRENT + ".next-" + version.getFileName()), version.getFileName());
    Path previous = Files.isSymbolicLink(dir.resolve(CURRENT)) ? dir.resolve(Files.readSymbolicLink(dir.resolve(CURRENT))) : null;
    Files.move(link, dir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : List.of(MeshTls.CERTIFICATE_FILE, MeshTls.PRIVATE_KEY_FILE, MeshTls.TRUST_ANCHORS_FILE)) {
      if (!Files.isSymbolicLink(dir.resolve(name))) {
        Files.createSymbolicLink(dir.resolve(name), Path.of(CURRENT, name));
      }
    }
    if (previous != null && !previous.equals(version)) {
      deleteTree(previous);
    }
  }

  /**
   * Removes the files (when the proxy stops: the key goes with them), and the directory where it
   * may: a mount point (a pod's emptyDir) stays, empty.
   */
  public void delete() throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(entry);
        } else {
          Files.delete(entry);
        }
      }
    }
    try {
      Files.delete(dir);
    } catch (IOException e) {
      // a mount point, or a directory that is not ours to remove: left, empty
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String certificates(List<X509Certificate> certificates) throws CertificateEncodingException {
    StringBuilder text = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      text.append(Pem.block("CERTIFICATE", certificate.getEncoded()));
    }
    return text.toString();
  }

}
