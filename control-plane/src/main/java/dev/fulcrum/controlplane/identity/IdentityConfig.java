package dev.fulcrum.controlplane.identity;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the control plane issues identities.
 *
 * @param ca where the CA comes from: a directory (file mode) or the issuer Secret (Kubernetes)
 * @param trustDomain the SPIFFE trust domain of every identity
 * @param lifetime how long a workload certificate lasts (24 h unless told otherwise)
 */
public record IdentityConfig(Ca ca, String trustDomain, Duration lifetime) {
  private static final Logger log = LoggerFactory.getLogger(IdentityConfig.class);
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

  /** Where the CA comes from. */
  public sealed interface Ca permits InDirectory, FromKubernetes {}

  /** File mode: made in {@code dir} at first start ({@code --identity-dir}), read back afterwards. */
  public record InDirectory(Path dir) implements Ca {}

  /**
   * Kubernetes mode: the issuer Secret and trust-anchor ConfigMap in {@code namespace}; CSRs are
   * authenticated by TokenReviews through {@code client}.
   */
  public record FromKubernetes(KubernetesClient client, String namespace, String secret, String anchors) implements Ca {}

  public IdentityConfig {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime: " + lifetime + " is not positive");
    }
  }

  public static IdentityConfig inDirectory(Path dir, String trustDomain, Duration lifetime) {
    return new IdentityConfig(new InDirectory(dir), trustDomain, lifetime);
  }

  /** The service; in file mode, a CA in the directory that cannot be read is an error naming its file. */
  public IdentityService service() {
    if (ca instanceof InDirectory inDirectory) {
      return inDirectory(inDirectory.dir());
    }
    FromKubernetes kubernetes = (FromKubernetes) ca;
    IssuerSecret issuer = new IssuerSecret(kubernetes.client(), kubernetes.namespace(), kubernetes.secret(),
        kubernetes.anchors(), trustDomain, Clock.systemUTC()).start();
    KubernetesClient reviews = TokenReviews.client(kubernetes.client().getConfiguration());
    return new IdentityService(issuer, new TokenReviews(reviews), lifetime, issuer, reviews);
  }

  private IdentityService inDirectory(Path dir) {
    CertificateAuthority authority;
    try {
      authority = CertificateAuthority.inDirectory(dir, trustDomain, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    log.warn("identity: development mode: file mode certifies any identity a caller on this machine asks for "
        + "(CA in {}, trust domain {}); in a cluster, run the control plane with --kubernetes", dir, trustDomain);
    return new IdentityService(() -> authority, new LocalCallers(), lifetime);
  }
}
