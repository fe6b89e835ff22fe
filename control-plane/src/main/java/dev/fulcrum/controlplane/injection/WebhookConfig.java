package dev.fulcrum.controlplane.injection;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where the sidecar injection webhook serves, with what certificate, and what it injects.
 *
 * @param address HTTPS address of the webhook
 * @param certificate PEM certificate chain (a TLS Secret's {@code tls.crt})
 * @param privateKey PEM private key, PKCS#8 or PKCS#1 RSA (a TLS Secret's {@code tls.key})
 */
public record WebhookConfig(InetSocketAddress address, Path certificate, Path privateKey, SidecarSettings sidecar) {

  public static final int DEFAULT_PORT = 8443;
}
