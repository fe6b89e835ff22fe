package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisiteTest {
  @Test
  void missingUnderCiFails() {
    assertThrows(AssertionError.class, () -> Prerequisite.require(false, "no engine", "true"));
  }

  @Test
  void missingElsewhereSkips() {
    assertThrows(TestAbortedException.class, () -> Prerequisite.require(false, "no engine", null));
  }

  @Test
  void presentPasses() {
    Prerequisite.require(true, "no engine", "true");
  }
}
