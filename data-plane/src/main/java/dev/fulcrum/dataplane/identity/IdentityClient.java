package dev.fulcrum.dataplane.identity;

import com.google.protobuf.ByteString;
import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.CertifyResponse;
import dev.fulcrum.contract.identity.IdentityGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the control plane's identity service for a certificate: a new key each time, made here and
 * never sent, a CSR for it, and the proof of identity (in Kubernetes, the pod's ServiceAccount
 * token, read afresh each time because the kubelet rotates it).
 */
public final class IdentityClient implements AutoCloseable {
  static final long DEADLINE_SECONDS = 10;

  private final ManagedChannel channel;
  private final String workload;
  private final Optional<Path> tokenFile;

  /** {@code workload} is NAMESPACE/SERVICEACCOUNT; {@code controlPlane} HOST:PORT. */
  public IdentityClient(String controlPlane, String workload, Optional<Path> tokenFile) {
    this.channel = NettyChannelBuilder.forTarget(controlPlane).usePlaintext().build();
    this.workload = workload;
    this.tokenFile = tokenFile;
  }

  public String workload() {
    return workload;
  }

  /** A new certificate; fails with the service's status, or the local reason (token, CSR, answer). */
  public WorkloadCertificate certify() throws IOException, GeneralSecurityException {
    KeyPair key = SigningRequests.newKey();
    CertifyRequest.Builder request = CertifyRequest.newBuilder()
        .setIdentity(workload)
        .setCertificateSigningRequest(ByteString.copyFrom(SigningRequests.request(key)));
    if (tokenFile.isPresent()) {
      request.setToken(Files.readString(tokenFile.get()).strip());
    }
    CertifyResponse response;
    try {
      response = IdentityGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .certify(request.build());
    } catch (StatusRuntimeException e) {
      throw new IOException("the identity service answered " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()), e);
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate(response.getLeafCertificate()));
    for (ByteString intermediate : response.getIntermediateCertificatesList()) {
      chain.add(certificate(intermediate));
    }
    List<X509Certificate> anchors = new ArrayList<>();
    for (ByteString anchor : response.getTrustAnchorsList()) {
      anchors.add(certificate(anchor));
    }
    if (!chain.get(0).getPublicKey().equals(key.getPublic())) {
      throw new GeneralSecurityException("the identity service certified another key than the one asked for");
    }
    return new WorkloadCertificate(WorkloadCertificate.idOf(chain.get(0)), key.getPrivate(), chain, anchors);
  }

  private static X509Certificate certificate(ByteString der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der.toByteArray()));
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
