package dev.fulcrum.contract.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultInboundPolicyTest {

  @Test
  void readsTheNamesUsersWrite() {
    assertEquals(Optional.of(DefaultInboundPolicy.AUTHENTICATED), DefaultInboundPolicy.of("authenticated"));
    assertEquals(Optional.empty(), DefaultInboundPolicy.of("DENY"));
    assertEquals("allow|authenticated|deny", DefaultInboundPolicy.choices());
    assertEquals("default:deny", DefaultInboundPolicy.DENY.policyName());
  }
}
