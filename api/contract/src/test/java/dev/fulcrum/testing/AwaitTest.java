package dev.fulcrum.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void aConditionThatHoldsOnlyAfterTheDeadlineFails() {
    // True only when checked more than the timeout after the first check, itself after Await's start:
    // that is, only after Await's deadline.
    long timeout = Duration.ofMillis(50).toNanos();
    AtomicLong firstCheck = new AtomicLong();
    assertThrows(AssertionError.class, () -> Await.until(() -> {
      long now = System.nanoTime();
      firstCheck.compareAndSet(0, now);
      return now - firstCheck.get() > timeout;
    }, Duration.ofNanos(timeout), "a condition that turns true too late"));
  }

  @Test
  void aConditionThatHoldsInTimePasses() throws InterruptedException {
    AtomicInteger checks = new AtomicInteger();
    Await.until(() -> checks.incrementAndGet() == 3, Duration.ofSeconds(5), "the third check");
  }
}
