package dev.fulcrum.dataplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CappedLabelsTest {

  @Test
  void theFirstValuesAreKeptAndLaterOnesAreOther() {
    CappedLabels labels = new CappedLabels(2);
    assertEquals("a", labels.of("a"));
    assertEquals("b", labels.of("b"));
    assertEquals(CappedLabels.OTHER, labels.of("c"));
    assertEquals(CappedLabels.OTHER, labels.of("d"));
    // Those kept stay themselves.
    assertEquals("a", labels.of("a"));
    assertEquals("b", labels.of("b"));
  }
}
