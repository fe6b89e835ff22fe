package dev.fulcrum.dataplane.forward;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Requests as opaque bytes: the proxy never parses what it forwards. A request is copied once
 * into a {@code byte[]} of its exact size, because grpc may send it more than once (a retry replays
 * the call's messages to another backend), and a {@code byte[]} can be streamed again and again.
 * Responses are never replayed, so they pass without that copy ({@link ResponseMarshaller}).
 */
final class RequestMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  static final RequestMarshaller INSTANCE = new RequestMarshaller();

  private RequestMarshaller() {}

  @Override
  public InputStream stream(byte[] message) {
    return new Bytes(message);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try (stream) {
      if (!(stream instanceof KnownLength)) {
        return stream.readAllBytes();
      }
      // grpc's message streams know their length: read straight into an array of that size
      // (readNBytes(int) would read through 8 KiB chunks, then join them).
      byte[] message = new byte[stream.available()];
      stream.readNBytes(message, 0, message.length);
      return message;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code byte[]} that grpc's framer writes in one call, instead of through a scratch buffer. */
  private static final class Bytes extends ByteArrayInputStream implements Drainable, KnownLength {
    Bytes(byte[] message) {
      super(message);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }
}
