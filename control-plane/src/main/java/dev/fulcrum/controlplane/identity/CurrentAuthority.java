package dev.fulcrum.controlplane.identity;

import java.util.function.Supplier;

/**
 * The CA in effect (null before one has been read), and how many versions of it were refused: a
 * file-mode CA is read once, a Kubernetes one follows its Secret ({@link IssuerSecret}).
 */
@FunctionalInterface
public interface CurrentAuthority extends Supplier<CertificateAuthority> {

  /** Versions refused since start (each logged where it was read). */
  default long rejected() {
    return 0;
  }
}
