package dev.fulcrum.tools;

import dev.fulcrum.contract.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Duration flags written like a Link's durations: {@code 20s}, {@code 500ms}, {@code 1m}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value)
        .orElseThrow(() -> new TypeConversionException("'" + value + "' is not a duration such as 20s or 500ms"));
  }
}
