package dev.fulcrum.tools.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.capture.CaptureSettings;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The restore input, from the settings and the nat table as it is; what iptables makes of it is CaptureTest's. */
class CaptureRulesTest {
  private static final String EMPTY_NAT = """
      *nat
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      COMMIT
      """;
  private static final CaptureSettings SETTINGS =
      new CaptureSettings(65532, 15001, 4143, List.of(3306), List.of(9990), List.of("10.96.0.0/12"));

  @Test
  void installDeclaresItsChainsJumpsToThemOnceAndEndsEachInARedirect() {
    String install = CaptureRules.install(SETTINGS, EMPTY_NAT);

    assertEquals("""
        *nat
        :FULCRUM_PREROUTING - [0:0]
        :FULCRUM_OUTPUT - [0:0]
        -A PREROUTING -j FULCRUM_PREROUTING
        -A OUTPUT -j FULCRUM_OUTPUT
        -A FULCRUM_PREROUTING -p tcp --dport 4143 -j RETURN
        -A FULCRUM_PREROUTING -p tcp --dport 9990 -j RETURN
        -A FULCRUM_PREROUTING -p tcp -j REDIRECT --to-ports 4143
        -A FULCRUM_OUTPUT -m owner --uid-owner 65532 -j RETURN
        -A FULCRUM_OUTPUT -o lo -j RETURN
        -A FULCRUM_OUTPUT -d 127.0.0.0/8 -j RETURN
        -A FULCRUM_OUTPUT -p tcp --dport 3306 -j RETURN
        -A FULCRUM_OUTPUT -d 10.96.0.0/12 -j RETURN
        -A FULCRUM_OUTPUT -p tcp -j REDIRECT --to-ports 15001
        COMMIT
        """, install);
  }

  @Test
  void withoutAnInboundPortTheInboundChainIsEmpty() {
    String install = CaptureRules.install(
        new CaptureSettings(65532, 15001, OptionalInt.empty(), List.of(), List.of(), List.of()), EMPTY_NAT);
    assertEquals("""
        *nat
        :FULCRUM_PREROUTING - [0:0]
        :FULCRUM_OUTPUT - [0:0]
        -A PREROUTING -j FULCRUM_PREROUTING
        -A OUTPUT -j FULCRUM_OUTPUT
        -A FULCRUM_OUTPUT -m owner --uid-owner 65532 -j RETURN
        -A FULCRUM_OUTPUT -o lo -j RETURN
        -A FULCRUM_OUTPUT -d 127.0.0.0/8 -j RETURN
        -A FULCRUM_OUTPUT -p tcp -j REDIRECT --to-ports 15001
        COMMIT
        """, install, "declared all the same: installed over rules that captured inbound, it empties them");
  }

  @Test
  void installingAgainOverInstalledRulesAddsNoSecondJump() {
    String installed = EMPTY_NAT.replace("COMMIT", """
        :FULCRUM_OUTPUT - [0:0]
        :FULCRUM_PREROUTING - [0:0]
        -A PREROUTING -j FULCRUM_PREROUTING
        -A OUTPUT -j FULCRUM_OUTPUT
        COMMIT""");
    String again = CaptureRules.install(SETTINGS, installed);
    assertFalse(again.contains("-A OUTPUT -j"), again);
    assertFalse(again.contains("-A PREROUTING -j"), again);
    assertTrue(again.contains(":FULCRUM_OUTPUT - [0:0]"), "declared again: emptied, then filled anew");

    assertEquals("""
        *nat
        -D PREROUTING -j FULCRUM_PREROUTING
        -D OUTPUT -j FULCRUM_OUTPUT
        -F FULCRUM_PREROUTING
        -X FULCRUM_PREROUTING
        -F FULCRUM_OUTPUT
        -X FULCRUM_OUTPUT
        COMMIT
        """, CaptureRules.remove(installed));
    assertEquals("", CaptureRules.remove(EMPTY_NAT), "nothing installed: nothing to remove");
  }
}
