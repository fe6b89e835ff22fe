package dev.fulcrum.controlplane.identity;

import dev.fulcrum.controlplane.kubernetes.KeepWatching;
import dev.fulcrum.controlplane.tls.PemFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's CA, reloaded as it changes with no restart: the issuer from a Secret in
 * cert-manager's layout ({@code tls.crt}, {@code tls.key}, {@code ca.crt}), the trust anchors from
 * the trust-anchor ConfigMap ({@code ca-bundle.crt}, one or more: several while anchors rotate) or,
 * without one, the Secret's {@code ca.crt}.
 *
 * <p>A version that does not parse, whose key is not its certificate's, or whose issuer no anchor
 * signed is refused, logged naming the object and key, and counted; the last good CA serves on.
 */
public final class IssuerSecret implements CurrentAuthority, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IssuerSecret.class);
  public static final String DEFAULT_SECRET = "fulcrum-identity-issuer";
  public static final String DEFAULT_ANCHORS = "fulcrum-trust-anchors";
  public static final String CERTIFICATE = "tls.crt";
  public static final String KEY = "tls.key";
  public static final String CA = "ca.crt";
  public static final String ANCHOR_BUNDLE = "ca-bundle.crt";

  private final String namespace;
  private final String secretName;
  private final String anchorsName;
  private final String trustDomain;
  private final Clock clock;
  private final SharedIndexInformer<Secret> secret;
  private final SharedIndexInformer<ConfigMap> anchors;
  private final AtomicLong rejected = new AtomicLong();
  private volatile CertificateAuthority current;

  public IssuerSecret(KubernetesClient client, String namespace, String secretName, String anchorsName,
      String trustDomain, Clock clock) {
    this.namespace = namespace;
    this.secretName = secretName;
    this.anchorsName = anchorsName;
    this.trustDomain = trustDomain;
    this.clock = clock;
    this.secret = client.secrets().inNamespace(namespace).withName(secretName).runnableInformer(0);
    this.anchors = client.configMaps().inNamespace(namespace).withName(anchorsName).runnableInformer(0);
    secret.exceptionHandler(new KeepWatching("issuer Secret"));
    anchors.exceptionHandler(new KeepWatching("trust-anchor ConfigMap"));
  }

  /**
   * Starts watching, without waiting: the CA is there once the Secret has been seen and is good
   * (until then the identity service answers UNAVAILABLE); the informers keep trying an API server
   * that does not answer.
   */
  public IssuerSecret start() {
    ResourceEventHandler<Object> reload = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Object added) {
        reload();
      }

      @Override
      public void onUpdate(Object before, Object after) {
        reload();
      }

      @Override
      public void onDelete(Object deleted, boolean unknownFinalState) {
        reload();
      }
    };
    secret.addEventHandler(castHandler(reload));
    anchors.addEventHandler(castHandler(reload));
    secret.start();
    anchors.start();
    return this;
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> castHandler(ResourceEventHandler<Object> handler) {
    return (ResourceEventHandler<T>) handler;
  }

  /** The CA in effect; null before a good issuer Secret has been seen. */
  @Override
  public CertificateAuthority get() {
    return current;
  }

  /** Versions refused since start (each logged). */
  @Override
  public long rejected() {
    return rejected.get();
  }

  private synchronized void reload() {
    List<Secret> secrets = secret.getStore().list();
    if (secrets.isEmpty()) {
      log.warn("identity: no Secret {}/{}: {}", namespace, secretName, current == null
          ? "no certificate can be issued until it exists" : "the last issuer read serves on");
      return;
    }
    List<ConfigMap> bundles = anchors.getStore().list();
    try {
      CertificateAuthority next = parse(secrets.get(0), bundles.isEmpty() ? null : bundles.get(0));
      boolean changed = current == null || !current.issuer().equals(next.issuer())
          || !current.trustAnchors().equals(next.trustAnchors());
      current = next;
      if (changed) {
        log.info("identity: issuer {} (until {}) from Secret {}/{}, trusting {} anchor(s)",
            next.issuer().getSubjectX500Principal().getName(), next.issuer().getNotAfter().toInstant(), namespace,
            secretName, next.trustAnchors().size());
      }
    } catch (IllegalStateException | GeneralSecurityException e) {
      rejected.incrementAndGet();
      log.error("identity: refused the issuer: {}; {}", e.getMessage(),
          current == null ? "no certificate can be issued until it is fixed" : "the last good issuer serves on");
    }
  }

  /** The CA the Secret and the ConfigMap (if any) describe; errors name the object and key. */
  CertificateAuthority parse(Secret issuerSecret, ConfigMap bundle) throws GeneralSecurityException {
    String where = "Secret " + namespace + "/" + secretName;
    Map<String, String> data = issuerSecret.getData() == null ? Map.of() : issuerSecret.getData();
    X509Certificate issuer = (X509Certificate) PemFiles.certificates(where + " key " + CERTIFICATE,
        decoded(data, CERTIFICATE, where)).get(0);
    PrivateKey key = PemFiles.privateKey(where + " key " + KEY, decoded(data, KEY, where));
    List<Certificate> trusted;
    if (bundle != null && bundle.getData() != null && bundle.getData().containsKey(ANCHOR_BUNDLE)) {
      trusted = PemFiles.certificates("ConfigMap " + namespace + "/" + anchorsName + " key " + ANCHOR_BUNDLE,
          bundle.getData().get(ANCHOR_BUNDLE));
    } else {
      trusted = PemFiles.certificates(where + " key " + CA, decoded(data, CA, where));
    }
    if (!PemFiles.belongTogether(key, issuer)) {
      throw new GeneralSecurityException(where + " key " + KEY + " is not the key of its " + CERTIFICATE);
    }
    if (issuer.getBasicConstraints() < 0) {
      throw new GeneralSecurityException(where + " key " + CERTIFICATE + " is not a CA certificate (basicConstraints)");
    }
    issuer.checkValidity(java.util.Date.from(clock.instant()));
    List<X509Certificate> anchorList = trusted.stream().map(X509Certificate.class::cast).toList();
    if (anchorList.stream().noneMatch(anchor -> signed(issuer, anchor))) {
      throw new GeneralSecurityException(where + " key " + CERTIFICATE + " is signed by none of the "
          + anchorList.size() + " trust anchor(s)");
    }
    return new CertificateAuthority(trustDomain, anchorList, issuer, key, clock);
  }

  private static boolean signed(X509Certificate issuer, X509Certificate anchor) {
    try {
      issuer.verify(anchor.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String decoded(Map<String, String> data, String key, String where) {
    String value = data.get(key);
    if (value == null) {
      throw new IllegalStateException(where + " has no key " + key);
    }
    try {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + " key " + key + " is not base64");
    }
  }

  @Override
  public void close() {
    secret.close();
    anchors.close();
  }
}
