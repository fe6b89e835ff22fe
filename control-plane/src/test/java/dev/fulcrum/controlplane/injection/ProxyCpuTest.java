package dev.fulcrum.controlplane.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class ProxyCpuTest {
  private static ProxyCpu cpu(String text) {
    return ProxyCpu.parse(text).orElseThrow(() -> new AssertionError("rejected " + text));
  }

  @Test
  void oneNetworkThreadPerCoreTheLimitAllowsRoundedUp() {
    assertEquals(1, ProxyCpu.DEFAULT.ioThreads());
    assertEquals(1, cpu("250m").ioThreads());
    assertEquals(1, cpu("1000m").ioThreads());
    assertEquals(2, cpu("1001m").ioThreads());
    assertEquals(2, cpu("1.5").ioThreads());
    assertEquals(4, cpu(" 4 ").ioThreads());
    assertEquals(ProxyCpu.MAX_IO_THREADS, cpu("100000").ioThreads());
  }

  @Test
  void theRequestIsNeverAboveTheLimit() {
    assertEquals(new Quantity("100m"), ProxyCpu.DEFAULT.request());
    assertEquals(new Quantity("100m"), cpu("100m").request());
    assertEquals(new Quantity("20m"), cpu("20m").request());
    assertEquals(new Quantity("0.05"), cpu("0.05").request());
  }

  @Test
  void whatIsNotAPositiveCpuQuantityIsRejected() {
    for (String text : new String[] {"", "two", "-1", "0", "0m", "0.0001", "1Gi!", "m"}) {
      assertTrue(ProxyCpu.parse(text).isEmpty(), text);
    }
  }
}
