package dev.fulcrum.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an inbound side accepts: the value of the proxy's {@link ProxyFlags#INBOUND_TLS} flag and of
 * the {@link #ANNOTATION} a pod or namespace carries.
 */
public enum InboundTls {
  /** mTLS from meshed callers and plaintext from the rest: while a namespace is being adopted. */
  PERMISSIVE,
  /** mTLS with a mesh certificate only; anything else fails its handshake or its call. */
  STRICT;

  public static final String ANNOTATION = "fulcrum.io/inbound-tls";
  public static final InboundTls DEFAULT = PERMISSIVE;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<InboundTls> of(String yamlName) {
    return Arrays.stream(values()).filter(mode -> mode.yamlName().equals(yamlName)).findFirst();
  }
}
