package dev.fulcrum.contract.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RbacPolicyKeyTest {

  @Test
  void aKeyNamesItsPolicyAndRule() {
    assertEquals("default/echo-callers#1", new RbacPolicyKey("default/echo-callers", 1).toString());
    assertEquals(new RbacPolicyKey("default:deny", 0), RbacPolicyKey.parse("default:deny#0"));
  }

  @Test
  void aKeyWithoutRuleIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> RbacPolicyKey.parse("default/echo-callers"));
    assertThrows(IllegalArgumentException.class, () -> RbacPolicyKey.parse("default/echo-callers#x"));
  }
}
