package dev.fulcrum.dataplane.identity;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why a TLS handshake with a peer failed, as told by the exception types in a failure's cause
 * chain: the {@link Reason} (a fixed set, fit for a metric label) and the exception that shows it,
 * whose message is the detail for a person.
 */
public record TlsFailure(Reason reason, Throwable evidence) {
  /**
   * What grpc-xds's trust manager says when the peer's certificate names none of the SANs its
   * cluster expects (XdsX509TrustManager; its type is plain CertificateException).
   */
  static final String SAN_CHECK_FAILED = "Peer certificate SAN check failed";
  /** Causes looked at, at most: a chain is a few deep; this only stops a pathological one. */
  private static final int MAX_DEPTH = 32;

  /** Why, in the order they are looked for: a chain can show several (an expired certificate fails the path too). */
  public enum Reason {
    EXPIRED("its certificate has expired"),
    NOT_YET_VALID("its certificate is not yet valid"),
    WRONG_IDENTITY("its certificate does not prove the expected identity"),
    UNTRUSTED("its certificate is not signed by a trust anchor of this mesh"),
    OTHER("the TLS handshake failed");

    private final String problem;

    Reason(String problem) {
      this.problem = problem;
    }

    /** The metric label: {@code reason="not_yet_valid"}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The failure {@code cause} or one of its causes tells of; null when none is a TLS handshake or certificate failure. */
  public static TlsFailure in(Throwable cause) {
    List<Throwable> chain = chain(cause);
    // The innermost exception first: the most specific (an expiry's "NotAfter: ..." under "validity check failed").
    Collections.reverse(chain);
    for (Reason reason : Reason.values()) {
      for (Throwable t : chain) {
        if (shows(reason, t)) {
          return new TlsFailure(reason, t);
        }
      }
    }
    return null;
  }

  /** The problem, with the evidence's message where it has one: "its certificate has expired (NotAfter: ...)". */
  public String problem() {
    String detail = evidence.getMessage();
    return detail == null || detail.isBlank() ? reason.problem : reason.problem + " (" + detail + ")";
  }

  private static boolean shows(Reason reason, Throwable t) {
    return switch (reason) {
      case EXPIRED -> t instanceof CertificateExpiredException
          || validatorSays(t, CertPathValidatorException.BasicReason.EXPIRED);
      case NOT_YET_VALID -> t instanceof CertificateNotYetValidException
          || validatorSays(t, CertPathValidatorException.BasicReason.NOT_YET_VALID);
      case WRONG_IDENTITY -> t instanceof CertificateException && t.getMessage() != null
          && t.getMessage().contains(SAN_CHECK_FAILED);
      case UNTRUSTED -> t instanceof CertPathValidatorException || t instanceof CertPathBuilderException;
      case OTHER -> t instanceof SSLHandshakeException || t instanceof CertificateException;
    };
  }

  private static boolean validatorSays(Throwable t, CertPathValidatorException.BasicReason reason) {
    return t instanceof CertPathValidatorException invalid && invalid.getReason() == reason;
  }

  private static List<Throwable> chain(Throwable cause) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = cause; t != null && chain.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
