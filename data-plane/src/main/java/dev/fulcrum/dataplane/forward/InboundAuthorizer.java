package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.authz.Decision;
import dev.fulcrum.dataplane.authz.InboundCall;
import dev.fulcrum.dataplane.authz.PolicyInForce;
import dev.fulcrum.dataplane.authz.InboundPolicy;
import dev.fulcrum.dataplane.identity.TlsPeer;
import dev.fulcrum.dataplane.telemetry.InboundAuthorizations;
import dev.fulcrum.dataplane.telemetry.RepeatedWarnings;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side's authorization, in front of the {@link AppForwarder}: each call is decided by
 * the policy in force, from the caller's certificate and the method, before anything of it goes
 * to the application. A refused call is closed here with PERMISSION_DENIED naming the policy; a
 * call only an audit-mode policy would refuse goes on, and is logged (the first of each policy and
 * every {@value RepeatedWarnings#EVERY}th) and counted.
 */
@Singleton
public final class InboundAuthorizer implements ServerCallHandler<byte[], DetachedMessage> {
  private static final Logger log = LoggerFactory.getLogger(InboundAuthorizer.class);

  private final AppForwarder app;
  private final PolicyInForce policies;
  private final InboundAuthorizations authorizations;

  @Inject
  public InboundAuthorizer(AppForwarder app, PolicyInForce policies, InboundAuthorizations authorizations) {
    this.app = app;
    this.policies = policies;
    this.authorizations = authorizations;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], DetachedMessage> call, Metadata headers) {
    Optional<InboundPolicy> policy = policies.current();
    if (policy.isEmpty()) {
      // A proxy's inbound side listens only once its first policy is in (Proxy.start); should one
      // ever listen before, no call may reach the application without a policy.
      return CallerMetadata.refuse(call, Status.UNAVAILABLE.withDescription(
          "fulcrum proxy: no inbound policy from the control plane yet"));
    }
    TlsPeer caller = TlsPeer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    InboundCall inbound = InboundCall.of(caller.id(), call.getMethodDescriptor().getFullMethodName());
    Decision decision = policy.get().decide(inbound);
    long occurrence = authorizations.record(decision);
    switch (decision.authz()) {
      case DENY -> {
        return CallerMetadata.refuse(call, Status.PERMISSION_DENIED.withDescription(
            "refused by " + decision.policy() + ": " + inbound.callerDescription() + " may not call " + inbound.path()));
      }
      case AUDIT_DENY -> {
        if (RepeatedWarnings.logs(occurrence)) {
          log.warn("inbound: audit: {} would refuse {} calling {}; let through, as the policy is in audit mode"
                  + " (audit refusal {} of this policy; the first and every {}th are logged)", decision.policy(),
              inbound.callerDescription(), inbound.path(), occurrence, RepeatedWarnings.EVERY);
        }
      }
      case ALLOW -> { }
    }
    return app.startCall(call, headers);
  }

  /**
   * The decision, counted, for a connection of a caller without a certificate, to a port of the
   * application the inbound side passes through unread: no method to match, so only a policy that
   * lets such callers call anything at all lets it in. None yet: refused.
   */
  public Decision unauthenticatedConnection() {
    Decision decision = policies.current()
        .map(policy -> policy.decide(new InboundCall(Optional.empty(), "")))
        .orElse(new Decision(Decision.Authz.DENY, Decision.NO_POLICY));
    authorizations.record(decision);
    return decision;
  }
}
