package dev.fulcrum.contract.identity;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A workload's identity, {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}: what
 * the mesh's CA writes into a certificate's URI SAN and what a peer checks. People and the CLI write
 * it {@code NAMESPACE/SERVICEACCOUNT}.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
  private static final String SCHEME = "spiffe://";
  /** SPIFFE: lower-case letters, digits, dots, dashes and underscores. */
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
  /** A Kubernetes namespace: a DNS label. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** A Kubernetes service account: a DNS subdomain. */
  private static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  public SpiffeId {
    check("trust domain", trustDomain, TRUST_DOMAIN);
    check("namespace", namespace, NAMESPACE);
    check("service account", serviceAccount, SERVICE_ACCOUNT);
  }

  private static void check(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + ": '" + value + "' is not a valid " + what);
    }
  }

  /** {@code NAMESPACE/SERVICEACCOUNT} in {@code trustDomain}; errors name what is wrong. */
  public static SpiffeId ofWorkload(String namespaceSlashAccount, String trustDomain) {
    String[] parts = namespaceSlashAccount.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("'" + namespaceSlashAccount + "' is not NAMESPACE/SERVICEACCOUNT");
    }
    return new SpiffeId(trustDomain, parts[0], parts[1]);
  }

  /** Reads a SPIFFE ID of Fulcrum's shape; anything else is refused naming why. */
  public static SpiffeId parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException("'" + uri + "' is not a spiffe:// URI");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String[] path = slash < 0 ? new String[0] : rest.substring(slash + 1).split("/", -1);
    if (path.length != 4 || !path[0].equals("ns") || !path[2].equals("sa")) {
      throw new IllegalArgumentException("'" + uri + "' is not spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICEACCOUNT");
    }
    return new SpiffeId(rest.substring(0, slash), path[1], path[3]);
  }

  public URI uri() {
    return URI.create(toString());
  }

  /** {@code NAMESPACE/SERVICEACCOUNT}, as the CLI writes it. */
  public String workload() {
    return namespace + "/" + serviceAccount;
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
