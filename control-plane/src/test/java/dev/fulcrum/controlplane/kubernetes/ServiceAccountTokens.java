package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.contract.identity.MeshTls;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import java.util.List;
import java.util.Map;

/**
 * Projected ServiceAccount tokens for tests, and the TokenReview answers a real API server gives
 * for them: {@link #of} names its account (a real token is a signed JWT; what the identity service
 * relies on is only the review), valid for the identity service's audience only.
 */
public final class ServiceAccountTokens {
  private static final String PREFIX = "test-token:";

  private ServiceAccountTokens() {}

  /** A token of {@code namespace}'s service account {@code account}, for the pod {@code NS-ACCOUNT-pod}. */
  public static String of(String namespace, String account) {
    return PREFIX + namespace + ":" + account;
  }

  /** What the API server answers {@code asked}: authenticated for one of {@link #of}'s tokens of our audience. */
  static TokenReview review(TokenReview asked) {
    String token = asked.getSpec().getToken();
    TokenReviewBuilder answer = new TokenReviewBuilder(asked);
    List<String> audiences = asked.getSpec().getAudiences() == null ? List.of() : asked.getSpec().getAudiences();
    String[] account = token == null || !token.startsWith(PREFIX) ? null : token.substring(PREFIX.length()).split(":");
    if (account == null || account.length != 2 || !audiences.contains(MeshTls.TOKEN_AUDIENCE)) {
      return answer.withNewStatus().withAuthenticated(false).withError("[invalid bearer token]").endStatus().build();
    }
    return answer.withNewStatus().withAuthenticated(true).withAudiences(MeshTls.TOKEN_AUDIENCE)
        .withNewUser().withUsername("system:serviceaccount:" + account[0] + ":" + account[1])
        .withExtra(Map.of("authentication.kubernetes.io/pod-name", List.of(account[0] + "-" + account[1] + "-pod")))
        .endUser().endStatus().build();
  }
}
