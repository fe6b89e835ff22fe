package dev.fulcrum.dataplane.identity;

import java.util.function.Consumer;

/** Where the proxy's TLS finds its identity: the certificate now, and each one that replaces it. */
public interface CertificateSource {

  /** The certificate in use now. */
  WorkloadCertificate current();

  /** Calls {@code listener} with each certificate that replaces the current one (renewal, new anchors). */
  void onRenewed(Consumer<WorkloadCertificate> listener);
}
