package dev.fulcrum.it;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A proxy that routes by :authority is ready once the control plane has answered it. */
class ReadinessWithoutServiceTest {

  @Test
  void withoutAServiceReadyOnceTheControlPlaneAnswers() throws Exception {
    try (ReadinessTest.LateMesh mesh = ReadinessTest.proxyBeforeItsControlPlane(Optional.empty())) {
      // proxyBeforeItsControlPlane asserted 503 before the control plane and 200 after.
    }
  }
}
