package dev.fulcrum.controlplane.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the control plane issues identities in file mode.
 *
 * @param dir the CA's directory ({@code --identity-dir}): made at first start, read back afterwards
 * @param trustDomain the SPIFFE trust domain of every identity
 * @param lifetime how long a workload certificate lasts (24 h unless told otherwise)
 */
public record IdentityConfig(Path dir, String trustDomain, Duration lifetime) {
  private static final Logger log = LoggerFactory.getLogger(IdentityConfig.class);
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

  public IdentityConfig {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime: " + lifetime + " is not positive");
    }
  }

  /** The service, with the CA in {@link #dir}; a CA there that cannot be read is an error naming its file. */
  public IdentityService service() {
    CertificateAuthority ca;
    try {
      ca = CertificateAuthority.inDirectory(dir, trustDomain, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    log.warn("identity: development mode: file mode certifies any identity a caller on this machine asks for "
        + "(CA in {}, trust domain {}); in a cluster, run the control plane with --kubernetes", dir, trustDomain);
    return new IdentityService(() -> ca, new LocalCallers(), lifetime);
  }
}
