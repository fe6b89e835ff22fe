package dev.fulcrum.dataplane.forward;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Messages as opaque bytes: the proxy never parses what it forwards. */
final class PassThroughMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  static final PassThroughMarshaller INSTANCE = new PassThroughMarshaller();

  private PassThroughMarshaller() {}

  @Override
  public InputStream stream(byte[] message) {
    return new ByteArrayInputStream(message);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
