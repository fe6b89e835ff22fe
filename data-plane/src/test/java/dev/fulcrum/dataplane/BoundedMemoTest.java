package dev.fulcrum.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedMemoTest {
  private final AtomicInteger made = new AtomicInteger();
  private final BoundedMemo<String, StringBuilder> memo = new BoundedMemo<>(2, key -> {
    made.incrementAndGet();
    return new StringBuilder(key);
  });

  @Test
  void aValueIsMadeOncePerKeyAndKept() {
    StringBuilder a = memo.get("a");
    assertSame(a, memo.get("a"));
    assertEquals("a", a.toString());
    assertEquals(1, made.get());
  }

  @Test
  void pastTheBoundValuesAreMadeAfreshAndNotKept() {
    memo.get("a");
    memo.get("b");
    StringBuilder c = memo.get("c");
    assertNotSame(c, memo.get("c"));
    assertEquals("c", c.toString());
    assertEquals(2, memo.size());
    assertEquals(4, made.get());
    // What was kept before the bound stays kept.
    memo.get("a");
    assertEquals(4, made.get());
  }
}
