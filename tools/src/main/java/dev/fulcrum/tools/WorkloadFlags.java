package dev.fulcrum.tools;

import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The flags that name a workload identity and prove it, checked alike by every command that takes them. */
final class WorkloadFlags {
  private WorkloadFlags() {}

  /** {@code identity} (NAMESPACE/SERVICEACCOUNT) and {@code tokenFile} (null: none) as usable, else a usage error. */
  static void check(String identityFlag, String identity, String tokenFlag, Path tokenFile) {
    try {
      SpiffeId.ofWorkload(identity, SpiffeId.DEFAULT_TRUST_DOMAIN);
    } catch (IllegalArgumentException e) {
      throw new UsageException(identityFlag + ": " + e.getMessage());
    }
    if (tokenFile != null && !Files.isReadable(tokenFile)) {
      throw new UsageException(tokenFlag + ": cannot read " + tokenFile);
    }
  }
}
