package dev.fulcrum.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class CallerMetadataTest {
  private static final Metadata.Key<String> TEXT = Metadata.Key.of("x-text", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> BINARY = Metadata.Key.of("x-data-bin", Metadata.BINARY_BYTE_MARSHALLER);

  @Test
  void countsAsHttp2Does() {
    Metadata headers = new Metadata();
    headers.put(TEXT, "abc");
    headers.put(TEXT, "de");
    // Each entry: 32 + name + value.
    assertEquals((32 + 6 + 3) + (32 + 6 + 2), CallerMetadata.size(headers, Integer.MAX_VALUE));
  }

  @Test
  void binaryValuesCountAsTheBase64TheyAreSentAs() {
    Metadata headers = new Metadata();
    headers.put(BINARY, new byte[10]); // base64: 16 characters
    assertEquals(32 + 10 + 16, CallerMetadata.size(headers, Integer.MAX_VALUE));
  }

  @Test
  void justOverTheLimitIsOver() {
    Metadata headers = new Metadata();
    headers.put(TEXT, "x".repeat(CallerMetadata.LIMIT_BYTES - 32 - 6));
    assertEquals(CallerMetadata.LIMIT_BYTES, CallerMetadata.size(headers, CallerMetadata.LIMIT_BYTES), "at the limit");
    headers.put(Metadata.Key.of("x-more", Metadata.ASCII_STRING_MARSHALLER), "y");
    assertTrue(CallerMetadata.size(headers, CallerMetadata.LIMIT_BYTES) > CallerMetadata.LIMIT_BYTES);
  }

  @Test
  void anEmptyCallIsNothing() {
    assertEquals(0, CallerMetadata.size(new Metadata(), CallerMetadata.LIMIT_BYTES));
  }
}
