package dev.fulcrum.contract.identity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM as openssl, cert-manager and grpc read it: what both planes write certificates and keys in. */
public final class Pem {
  private static final Base64.Encoder LINES = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  /** One block of {@code type} (e.g. {@code CERTIFICATE}, {@code PRIVATE KEY}) holding {@code der}. */
  public static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + LINES.encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
