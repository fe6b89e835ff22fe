package dev.fulcrum.contract.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OpaquePortsTest {

  @Test
  void theAnnotationsFormIsReadAndWrittenBack() {
    OpaquePorts ports = OpaquePorts.parse(" 5432,3306 ,27017");
    assertEquals(Set.of(3306, 5432, 27017), ports.ports());
    assertEquals("3306,5432,27017", ports.toString());
    assertEquals(ports, OpaquePorts.parse(ports.toString()));
    assertEquals(Set.of(), OpaquePorts.parse("").ports());
  }

  @Test
  void byDefaultTheServerSpeaksFirstPortsAreOpaque() {
    assertTrue(OpaquePorts.DEFAULT.contains(3306));
    assertTrue(OpaquePorts.DEFAULT.contains(25));
    assertFalse(OpaquePorts.DEFAULT.contains(50051));
  }

  @Test
  void whatIsNoPortIsRefusedNamingIt() {
    assertEquals("'http' is not a port (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> OpaquePorts.parse("3306,http")).getMessage());
    assertEquals("70000 is not a port (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> OpaquePorts.parse("70000")).getMessage());
    assertEquals("'' is not a port (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> OpaquePorts.parse("3306,")).getMessage());
  }
}
