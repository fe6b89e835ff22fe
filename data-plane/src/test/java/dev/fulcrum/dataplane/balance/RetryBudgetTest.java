package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private static final long SECOND = 1_000_000_000L;
  private long now = 1_000 * SECOND;

  private static int retriesAllowed(RetryBudget budget) {
    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
      if (allowed > 10_000) {
        throw new AssertionError("unbounded");
      }
    }
    return allowed;
  }

  private void calls(RetryBudget budget, int n) {
    for (int i = 0; i < n; i++) {
      budget.recordCall();
    }
  }

  @Test
  void withoutCallsOrMinimumNoRetry() {
    assertFalse(new RetryBudget(0.2, 0, () -> now).tryRetry());
  }

  @Test
  void retriesAddAtMostTheRatioOfCalls() {
    RetryBudget budget = new RetryBudget(0.2, 0, () -> now);
    calls(budget, 10);

    assertEquals(2, retriesAllowed(budget));
    calls(budget, 5);
    assertEquals(1, retriesAllowed(budget));
  }

  @Test
  void theMinimumIsPerSecondOverTheWindow() {
    RetryBudget budget = new RetryBudget(0.0, 1, () -> now);

    assertEquals(RetryBudget.WINDOW_SECONDS, retriesAllowed(budget));
  }

  @Test
  void callsCountForTheWindowThenAreForgotten() {
    RetryBudget budget = new RetryBudget(0.5, 0, () -> now);
    calls(budget, 10);
    now += 9 * SECOND;
    assertEquals(5, retriesAllowed(budget));

    now += SECOND; // the calls' second has left the window; the retries' has not
    calls(budget, 4);
    assertFalse(budget.tryRetry(), "the 5 recent retries exceed half of 4 calls");

    now += 9 * SECOND; // the retries have left the window too
    assertEquals(2, retriesAllowed(budget));
  }

  @Test
  void aNegativeClockWorksToo() {
    now = -123 * SECOND - 1;
    RetryBudget budget = new RetryBudget(0.5, 0, () -> now);
    calls(budget, 4);

    assertEquals(2, retriesAllowed(budget));
    now += 11 * SECOND;
    assertFalse(budget.tryRetry());
    calls(budget, 2);
    assertTrue(budget.tryRetry());
  }
}
