package dev.fulcrum.controlplane.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.CertifyResponse;
import dev.fulcrum.contract.identity.IdentityGrpc;
import dev.fulcrum.contract.identity.SpiffeId;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity service ({@code identity.proto}): checks that the caller may have the identity it
 * asks for ({@link CallerCheck}), that its CSR asks for nothing more ({@link SigningRequest}), and
 * returns a certificate from the current {@link CertificateAuthority}. Every refusal is logged with
 * the caller it came from and counted.
 */
public final class IdentityService extends IdentityGrpc.IdentityImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdentityService.class);
  private static final Context.Key<SocketAddress> CALLER = Context.key("fulcrum-identity-caller");

  private final CurrentAuthority authority;
  private final CallerCheck callers;
  private final Duration lifetime;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final List<AutoCloseable> resources;

  /** {@code resources} (watches, clients) are closed with the service. */
  public IdentityService(CurrentAuthority authority, CallerCheck callers, Duration lifetime,
      AutoCloseable... resources) {
    this.authority = authority;
    this.callers = callers;
    this.lifetime = lifetime;
    this.resources = List.of(resources);
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("identity: closing {} failed", resource, e);
      }
    }
  }

  /** The service, with each call's peer address at hand for the caller check. */
  public ServerServiceDefinition definition() {
    return ServerInterceptors.intercept(this, new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(CALLER, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return Contexts.interceptCall(context, call, headers, next);
      }
    });
  }

  @Override
  public void certify(CertifyRequest request, StreamObserver<CertifyResponse> response) {
    SocketAddress caller = CALLER.get();
    CertificateAuthority ca = authority.get();
    if (ca == null) {
      refuse(response, Status.UNAVAILABLE, request, caller, "no issuer yet (see the control plane's log)");
      return;
    }
    SpiffeId id;
    PublicKey key;
    try {
      id = SpiffeId.ofWorkload(request.getIdentity(), ca.trustDomain());
    } catch (IllegalArgumentException e) {
      refuse(response, Status.INVALID_ARGUMENT, request, caller, "identity: " + e.getMessage());
      return;
    }
    String who;
    try {
      who = callers.check(request, id, caller);
    } catch (CallerCheck.Refused e) {
      refuse(response, Status.PERMISSION_DENIED, request, caller, e.getMessage());
      return;
    } catch (CallerCheck.Unavailable e) {
      refuse(response, Status.UNAVAILABLE, request, caller, e.getMessage());
      return;
    }
    try {
      key = SigningRequest.keyFor(request.getCertificateSigningRequest().toByteArray(), id);
    } catch (SigningRequest.InvalidRequest e) {
      refuse(response, Status.INVALID_ARGUMENT, request, who, e.getMessage());
      return;
    }
    try {
      List<X509Certificate> chain = ca.issue(key, id, lifetime);
      CertifyResponse.Builder answer = CertifyResponse.newBuilder()
          .setLeafCertificate(ByteString.copyFrom(chain.get(0).getEncoded()))
          .setValidUntil(Timestamp.newBuilder().setSeconds(chain.get(0).getNotAfter().toInstant().getEpochSecond()));
      for (X509Certificate intermediate : chain.subList(1, chain.size())) {
        answer.addIntermediateCertificates(ByteString.copyFrom(intermediate.getEncoded()));
      }
      for (X509Certificate anchor : ca.trustAnchors()) {
        answer.addTrustAnchors(ByteString.copyFrom(anchor.getEncoded()));
      }
      issued.incrementAndGet();
      log.debug("identity: certified {} for {} until {}", id, who, chain.get(0).getNotAfter());
      response.onNext(answer.build());
      response.onCompleted();
    } catch (CertificateEncodingException e) {
      refuse(response, Status.INTERNAL, request, who, "a certificate just issued does not encode: " + e.getMessage());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      refuse(response, Status.INTERNAL, request, who, "the CA could not issue: " + e.getMessage());
    }
  }

  private void refuse(StreamObserver<CertifyResponse> response, Status status, CertifyRequest request,
      Object caller, String why) {
    refused.incrementAndGet();
    log.warn("identity: refused '{}' to {}: {}", request.getIdentity(), caller, why);
    response.onError(status.withDescription("fulcrum identity: " + why).asRuntimeException());
  }

  /** Versions of the issuer refused since start (a Secret that does not parse, or whose key is not its certificate's). */
  public long issuerRejected() {
    return authority.rejected();
  }

  /** Certificates issued since start. */
  public long issued() {
    return issued.get();
  }

  /** Requests refused since start. */
  public long refused() {
    return refused.get();
  }
}
