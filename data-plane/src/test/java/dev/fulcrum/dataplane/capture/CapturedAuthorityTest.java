package dev.fulcrum.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CapturedAuthorityTest {
  private static final InetSocketAddress DIALLED = new InetSocketAddress("10.96.0.10", 50051);

  @Test
  void anAuthorityWithoutAPortTakesTheOneItWasDialledOn() {
    assertEquals("grpc-service:50051", CapturedAuthority.service("grpc-service", DIALLED));
    assertEquals("grpc-service:8080", CapturedAuthority.service("grpc-service:8080", DIALLED));
    assertEquals("[fd00::1]:50051", CapturedAuthority.service("[fd00::1]", DIALLED));
    assertEquals("[fd00::1]:9000", CapturedAuthority.service("[fd00::1]:9000", DIALLED));
  }

  @Test
  void theKernelsSocketAddressesAreRead() {
    // sockaddr_in: family (host order), port (network order), address.
    ByteBuffer ipv4 = ByteBuffer.wrap(new byte[] {2, 0, (byte) 0xc3, (byte) 0x83, 10, 96, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0});
    assertEquals(DIALLED, OriginalDestination.parse(ipv4, false).orElseThrow());
    ByteBuffer ipv6 = ByteBuffer.allocate(28);
    ipv6.put(new byte[] {10, 0, 0x1f, (byte) 0x90, 0, 0, 0, 0, (byte) 0xfd}).position(23).put((byte) 1).position(0);
    assertEquals(new InetSocketAddress("fd00::1", 8080), OriginalDestination.parse(ipv6, true).orElseThrow());
  }
}
