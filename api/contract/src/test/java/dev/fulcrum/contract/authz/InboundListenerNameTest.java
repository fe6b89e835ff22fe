package dev.fulcrum.contract.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboundListenerNameTest {

  @Test
  void aTemplateFilledWithTheAddressGrpcListensOnParsesBackToEveryPart() {
    String template = InboundListenerName.template(Optional.of("default/echo-v1"), Optional.of(DefaultInboundPolicy.DENY));
    String name = template.formatted("0.0.0.0:7001");

    assertEquals("fulcrum/inbound/0.0.0.0:7001?identity=default/echo-v1&default=deny", name);
    assertEquals(Optional.of(new InboundListenerName("0.0.0.0:7001", Optional.of("default/echo-v1"),
        Optional.of(DefaultInboundPolicy.DENY))), InboundListenerName.parse(name));
  }

  @Test
  void aServerWithoutIdentityOrDefaultHasABareAddress() {
    String name = InboundListenerName.template(Optional.empty(), Optional.empty()).formatted("[::]:50051");

    assertEquals("fulcrum/inbound/[::]:50051", name);
    InboundListenerName parsed = InboundListenerName.parse(name).orElseThrow();
    assertEquals("[::]:50051", parsed.address());
    assertTrue(parsed.identity().isEmpty());
    assertTrue(parsed.defaultPolicy().isEmpty());
  }

  @Test
  void namesItDidNotWriteAreNotInboundListeners() {
    for (String name : new String[] {"grpc-service.default.svc.cluster.local:50051", "fulcrum/inbound/",
        "fulcrum/inbound/0.0.0.0:1?default=open", "fulcrum/inbound/0.0.0.0:1?colour=red",
        "fulcrum/inbound/0.0.0.0:1?identity=a/b&identity=c/d", "fulcrum/inbound/0.0.0.0:1?identity"}) {
      assertEquals(Optional.empty(), InboundListenerName.parse(name), name);
    }
  }
}
