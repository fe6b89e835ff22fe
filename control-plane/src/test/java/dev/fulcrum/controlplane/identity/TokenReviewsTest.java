package dev.fulcrum.controlplane.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.IdentityGrpc;
import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSRs authenticated by TokenReview, the mock API server answering as a real one does: a token of
 * another audience is not authenticated (the API server checks audiences itself), an unknown token
 * neither, and a valid one names its service account and pod.
 */
class TokenReviewsTest {
  private static final String ECHO_TOKEN = "token-of-default-echo-v1";
  private static final String API_AUDIENCE_TOKEN = "token-for-the-api-server";

  @TempDir
  Path dir;

  private KubernetesMockServer api;
  private KubernetesClient client;
  private IdentityService service;
  private Server server;
  private ManagedChannel channel;

  /** What a real API server answers a TokenReview for these tokens. */
  private static TokenReview review(String body) {
    TokenReview asked = Serialization.unmarshal(body, TokenReview.class);
    String token = asked.getSpec().getToken();
    TokenReviewBuilder answer = new TokenReviewBuilder(asked);
    if (ECHO_TOKEN.equals(token) && asked.getSpec().getAudiences().contains(MeshTls.TOKEN_AUDIENCE)) {
      return answer.withNewStatus().withAuthenticated(true).withAudiences(MeshTls.TOKEN_AUDIENCE)
          .withNewUser().withUsername("system:serviceaccount:default:echo-v1")
          .withExtra(Map.of(TokenReviews.POD_NAME, List.of("echo-v1-5d9f7")))
          .endUser().endStatus().build();
    }
    if (API_AUDIENCE_TOKEN.equals(token)) {
      return answer.withNewStatus().withAuthenticated(false)
          .withError("[invalid bearer token, token audiences [\"https://kubernetes.default.svc\"] is invalid for the target audiences [\""
              + MeshTls.TOKEN_AUDIENCE + "\"]]")
          .endStatus().build();
    }
    return answer.withNewStatus().withAuthenticated(false).withError("[invalid bearer token]").endStatus().build();
  }

  @BeforeEach
  void start() throws Exception {
    api = new KubernetesMockServer(false);
    api.init();
    api.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, request -> review(request.getUtf8Body())).always();
    // As the control plane makes it: a review is asked for while a proxy waits, so it is retried little.
    client = TokenReviews.client(api.createClient().getConfiguration());
    CertificateAuthority ca = CertificateAuthority.inDirectory(dir, SpiffeId.DEFAULT_TRUST_DOMAIN, Clock.systemUTC());
    service = new IdentityService(() -> ca, new TokenReviews(client), Duration.ofHours(1));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service.definition()).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    client.close();
    api.destroy();
  }

  private X509Certificate certify(String identity, String token) throws Exception {
    KeyPair key = CertificateAuthority.newKeyPair();
    byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal(""), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    ByteString leaf = IdentityGrpc.newBlockingStub(channel).certify(CertifyRequest.newBuilder()
        .setIdentity(identity).setToken(token).setCertificateSigningRequest(ByteString.copyFrom(csr)).build())
        .getLeafCertificate();
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(leaf.toByteArray()));
  }

  private void assertRefused(Status.Code code, String because, String identity, String token) {
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> certify(identity, token));
    assertEquals(code, refused.getStatus().getCode(), refused.getStatus().toString());
    assertTrue(refused.getStatus().getDescription().contains(because), refused.getStatus().getDescription());
  }

  @Test
  void theTokensServiceAccountIsCertified() throws Exception {
    X509Certificate leaf = certify("default/echo-v1", ECHO_TOKEN);
    assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/echo-v1")),
        leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
  }

  @Test
  void anotherIdentityThanTheTokensIsRefusedNamingThePod() {
    assertRefused(Status.Code.PERMISSION_DENIED,
        "pod default/echo-v1-5d9f7", "payments/api", ECHO_TOKEN);
    assertRefused(Status.Code.PERMISSION_DENIED,
        "holds the token of system:serviceaccount:default:echo-v1, which does not grant payments/api", "payments/api", ECHO_TOKEN);
  }

  @Test
  void aWrongTokenIsRefused() {
    assertRefused(Status.Code.PERMISSION_DENIED, "invalid bearer token", "default/echo-v1", "forged");
    assertRefused(Status.Code.PERMISSION_DENIED, "is invalid for the target audiences", "default/echo-v1", API_AUDIENCE_TOKEN);
    assertRefused(Status.Code.PERMISSION_DENIED, "no ServiceAccount token", "default/echo-v1", "");
    assertEquals(0, service.issued());
  }

  @Test
  void anApiServerThatCannotBeReachedIsUnavailableNotARefusal() {
    api.destroy();
    assertRefused(Status.Code.UNAVAILABLE, "could not review the token", "default/echo-v1", ECHO_TOKEN);
  }
}
