package dev.fulcrum.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void parsesSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(5)), Durations.parse("5s"));
  }

  @Test
  void parsesMilliseconds() {
    assertEquals(Optional.of(Duration.ofMillis(250)), Durations.parse("250ms"));
  }

  @Test
  void parsesMinutesAndSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("1m30s"));
  }

  @Test
  void parsesFractions() {
    assertEquals(Optional.of(Duration.ofMillis(1500)), Durations.parse("1.5s"));
  }

  @Test
  void parsesMicroseconds() {
    assertEquals(Optional.of(Duration.ofNanos(100_000)), Durations.parse("100us"));
    assertEquals(Optional.of(Duration.ofNanos(100_000)), Durations.parse("100µs"));
  }

  @Test
  void parsesNanosecondsAndHours() {
    assertEquals(Optional.of(Duration.ofNanos(7)), Durations.parse("7ns"));
    assertEquals(Optional.of(Duration.ofHours(2).plusMinutes(3)), Durations.parse("2h3m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5x", "s5", "5s 3ms", " 5s", "5s ", "-5s", "5S", "ms"})
  void rejectsWhatIsNotOneSequenceOfNumberUnitParts(String text) {
    assertEquals(Optional.empty(), Durations.parse(text));
  }

  @Test
  void rejectsNull() {
    assertEquals(Optional.empty(), Durations.parse(null));
  }

  @Test
  void rejectsDurationsTooLongForNanos() {
    // 2562048h is just over Long.MAX_VALUE nanoseconds; today this returns PT-2562047H-34M-33.7S.
    assertEquals(Optional.empty(), Durations.parse("2562048h"));
  }
}
