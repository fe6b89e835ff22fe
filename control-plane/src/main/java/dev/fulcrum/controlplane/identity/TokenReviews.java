package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.SocketAddress;
import java.util.List;

/**
 * Kubernetes mode's check: the caller's projected ServiceAccount token, of Fulcrum's own audience,
 * reviewed by the API server (a TokenReview, as the kubelet and Linkerd's identity do). The
 * identity asked for must be the token's service account; the pod it names goes in the logs.
 */
public final class TokenReviews implements CallerCheck {
  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  static final String POD_NAME = "authentication.kubernetes.io/pod-name";

  private final KubernetesClient client;

  public TokenReviews(KubernetesClient client) {
    this.client = client;
  }

  /**
   * A client for reviews: retried once and bounded to a few seconds, since a proxy is waiting (and
   * retries itself); the informers' client, made to outlast API server restarts, would make it
   * wait out its deadline.
   */
  public static KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(1)
        .withRequestTimeout(5_000)
        .build()).build();
  }

  @Override
  public String check(CertifyRequest request, SpiffeId id, SocketAddress caller) throws Refused, Unavailable {
    if (request.getToken().isEmpty()) {
      throw new Refused("no ServiceAccount token came with the request (from " + caller + ")");
    }
    TokenReview review;
    try {
      review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
          .withNewSpec().withToken(request.getToken()).withAudiences(MeshTls.TOKEN_AUDIENCE).endSpec()
          .build());
    } catch (KubernetesClientException e) {
      throw new Unavailable("the API server could not review the token: " + e.getMessage(), e);
    }
    TokenReviewStatus status = review.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String why = status == null || status.getError() == null ? "not authenticated" : status.getError();
      throw new Refused("the API server did not accept the token from " + caller + ": " + why);
    }
    List<String> audiences = status.getAudiences();
    if (audiences != null && !audiences.isEmpty() && !audiences.contains(MeshTls.TOKEN_AUDIENCE)) {
      throw new Refused("the token from " + caller + " is for " + audiences + ", not " + MeshTls.TOKEN_AUDIENCE);
    }
    UserInfo user = status.getUser();
    String username = user == null ? null : user.getUsername();
    String expected = SERVICE_ACCOUNT_PREFIX + id.namespace() + ":" + id.serviceAccount();
    String who = describe(user, caller);
    if (!expected.equals(username)) {
      throw new Refused(who + " holds the token of " + username + ", which does not grant " + id.workload());
    }
    return who;
  }

  /** "pod default/echo-v1-5d9f (10.1.2.3:41000)", or the user when the token names no pod. */
  private static String describe(UserInfo user, SocketAddress caller) {
    if (user == null) {
      return String.valueOf(caller);
    }
    List<String> pod = user.getExtra() == null ? null : user.getExtra().get(POD_NAME);
    String name = user.getUsername() == null ? "" : user.getUsername();
    if (pod != null && !pod.isEmpty() && name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String namespace = name.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2)[0];
      return "pod " + namespace + "/" + pod.get(0) + " (" + caller + ")";
    }
    return name + " (" + caller + ")";
  }
}
