package dev.fulcrum.contract.stats;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

/**
 * The JSON of a proxy's {@code /stats}: written by the proxy and read by the dashboard through the
 * same messages, so neither can drift from the other. Unknown fields are ignored on reading, so
 * either side can add some before the other knows them.
 */
public final class StatsJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence()
      .omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private StatsJson() {}

  public static String write(ProxyStats stats) {
    try {
      return PRINTER.print(stats);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a ProxyStats message always prints", e);
    }
  }

  /** Throws {@link IllegalArgumentException} when {@code json} is not a proxy's stats. */
  public static ProxyStats read(String json) {
    ProxyStats.Builder stats = ProxyStats.newBuilder();
    try {
      PARSER.merge(json, stats);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a proxy's stats: " + e.getMessage(), e);
    }
    return stats.build();
  }
}
