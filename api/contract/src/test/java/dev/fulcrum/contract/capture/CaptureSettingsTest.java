package dev.fulcrum.contract.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CaptureSettingsTest {

  @Test
  void theInstallCommandLineSaysEverySetting() {
    CaptureSettings settings = new CaptureSettings(65532, 15001, 4143, List.of(25, 3306), List.of(9990), List.of("10.96.0.0/12"));
    assertEquals(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001", "--inbound-port", "4143",
        "--skip-outbound-ports", "25,3306", "--skip-inbound-ports", "9990", "--skip-outbound-cidrs", "10.96.0.0/12"),
        settings.installArgs());
    assertEquals(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001", "--inbound-port", "4143"),
        CaptureSettings.defaults().installArgs());
  }

  @Test
  void withoutAnInboundPortNothingIsCapturedInbound() {
    CaptureSettings outboundOnly = new CaptureSettings(65532, 15001, OptionalInt.empty(), List.of(25), List.of(), List.of());
    assertEquals(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001", "--no-inbound",
        "--skip-outbound-ports", "25"), outboundOnly.installArgs());
    assertEquals(4143, new CaptureSettings(65532, 4143, OptionalInt.empty(), List.of(), List.of(), List.of()).outboundPort(),
        "any outbound port, none being taken inbound");
    assertEquals("--skip-inbound-ports: nothing is captured inbound (--no-inbound)", assertThrows(IllegalArgumentException.class,
        () -> new CaptureSettings(65532, 15001, OptionalInt.empty(), List.of(), List.of(9990), List.of())).getMessage());
  }

  @Test
  void annotationListsAreReadWithTheSameChecks() {
    assertEquals(List.of(3306, 25), CaptureSettings.parsePorts(" 3306, 25"));
    assertEquals(List.of(), CaptureSettings.parsePorts(" "));
    assertEquals(List.of("10.96.0.0/12", "192.168.0.0/16"), CaptureSettings.parseCidrs("10.96.0.0/12,192.168.0.0/16 "));
    // What is no port: OpaquePortsTest, OpaquePorts.parse being this same code.
    assertEquals("'http' is not a port (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> CaptureSettings.parsePorts("25,http")).getMessage());
    assertEquals("'10.0.0.0' is not an IPv4 CIDR (a.b.c.d/n)",
        assertThrows(IllegalArgumentException.class, () -> CaptureSettings.parseCidrs("10.0.0.0")).getMessage());
  }

  @Test
  void aBadValueIsRefusedNamingItsFlag() {
    assertEquals("--skip-outbound-cidrs: '10.0.0.0/33' is not an IPv4 CIDR (a.b.c.d/n)", assertThrows(IllegalArgumentException.class,
        () -> new CaptureSettings(65532, 15001, 4143, List.of(), List.of(), List.of("10.0.0.0/33"))).getMessage());
    for (String cidr : List.of("10.0.0/8", "10.0.0.256/8", "10.0.0.0", "::1/128", "a.b.c.d/8")) {
      assertThrows(IllegalArgumentException.class, () -> new CaptureSettings(65532, 15001, 4143, List.of(), List.of(), List.of(cidr)), cidr);
    }
    assertEquals("--skip-inbound-ports: 0 is not a port (1-65535)", assertThrows(IllegalArgumentException.class,
        () -> new CaptureSettings(65532, 15001, 4143, List.of(), List.of(0), List.of())).getMessage());
    assertEquals("--outbound-port and --inbound-port: both 4143", assertThrows(IllegalArgumentException.class,
        () -> new CaptureSettings(65532, 4143, 4143, List.of(), List.of(), List.of())).getMessage());
  }
}
