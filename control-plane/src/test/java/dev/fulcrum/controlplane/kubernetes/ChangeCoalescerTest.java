package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChangeCoalescerTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void aBurstOfChangesBecomesOneRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ChangeCoalescer coalescer = new ChangeCoalescer(executor, Duration.ofMillis(50), runs::incrementAndGet);
    for (int i = 0; i < 1000; i++) {
      coalescer.changed();
    }
    Thread.sleep(300); // deliberately idle, six windows long: a second run would come within it
    assertEquals(1, runs.get());
  }

  @Test
  void aChangeDuringARunIsNotLost() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    ChangeCoalescer coalescer = new ChangeCoalescer(executor, Duration.ofMillis(5), () -> {
      if (runs.incrementAndGet() == 1) {
        running.countDown();
        await(release);
      }
    });
    coalescer.changed();
    assertTrue(running.await(2, TimeUnit.SECONDS));
    coalescer.changed(); // arrives while the first run is still going
    release.countDown();
    Await.until(() -> runs.get() == 2, Duration.ofSeconds(2), "a second run for the change made during the first");
  }

  @Test
  void runsWithinTheWindowOfTheFirstChange() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    ChangeCoalescer coalescer = new ChangeCoalescer(executor, Duration.ofMillis(5), ran::countDown);
    long start = System.nanoTime();
    coalescer.changed();
    assertTrue(ran.await(1, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(100), "a few ms, not Istio's 100 ms");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
