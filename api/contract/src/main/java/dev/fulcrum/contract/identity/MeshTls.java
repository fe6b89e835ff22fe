package dev.fulcrum.contract.identity;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the control plane's xDS and a workload's grpc-xds bootstrap must agree on for mTLS (gRFC
 * A29): the certificate provider instance the translator names in every Upstream and Downstream
 * TLS context, and the files a workload keeps its certificate in for grpc's {@code file_watcher}
 * provider to read.
 */
public final class MeshTls {
  /** The certificate provider instance, for both the workload's certificate and its trust anchors. */
  public static final String CERTIFICATE_PROVIDER = "fulcrum-identity";
  /** The workload's certificate chain, leaf first (PEM). */
  public static final String CERTIFICATE_FILE = "cert.pem";
  /** Its private key (PKCS#8 PEM), readable by its owner alone. */
  public static final String PRIVATE_KEY_FILE = "key.pem";
  /** The trust anchors (PEM), one or more. */
  public static final String TRUST_ANCHORS_FILE = "ca.pem";
  /**
   * How often grpc's file_watcher looks at the files: a renewed certificate is in use within this.
   * Three stat calls a second cost nothing next to a certificate whose life is hours.
   */
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);

  /**
   * The audience of the projected ServiceAccount token a pod's proxy proves its identity with: the
   * injector asks the kubelet for a token of this audience, the identity service accepts no other
   * (a token for the API server, or for anyone else, cannot be replayed here).
   */
  public static final String TOKEN_AUDIENCE = "identity.fulcrum.dev";

  private MeshTls() {}

  /**
   * The bootstrap's {@code certificate_providers} entry (a JSON object member) for certificates
   * kept in {@code dir}.
   */
  public static String certificateProvidersJson(Path dir) {
    return """
        "certificate_providers": {
          "%s": {
            "plugin_name": "file_watcher",
            "config": {
              "certificate_file": "%s",
              "private_key_file": "%s",
              "ca_certificate_file": "%s",
              "refresh_interval": "%ds"
            }
          }
        }""".formatted(CERTIFICATE_PROVIDER, jsonString(dir.resolve(CERTIFICATE_FILE)),
        jsonString(dir.resolve(PRIVATE_KEY_FILE)), jsonString(dir.resolve(TRUST_ANCHORS_FILE)),
        REFRESH_INTERVAL.toSeconds());
  }

  private static String jsonString(Path path) {
    return path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
