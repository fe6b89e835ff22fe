package dev.fulcrum.dataplane.forward;

import io.grpc.Detachable;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Responses as grpc received them: the stream over the transport's buffers is detached from the
 * call (so grpc does not release the buffers once parsing returns) and handed on as the message,
 * never copied into a {@code byte[]}. Whoever holds a {@link DetachedMessage} must write it or
 * close it: the buffers are released when it is closed, which grpc does once it has written them.
 */
final class ResponseMarshaller implements MethodDescriptor.Marshaller<DetachedMessage> {
  static final ResponseMarshaller INSTANCE = new ResponseMarshaller();

  private ResponseMarshaller() {}

  @Override
  public InputStream stream(DetachedMessage message) {
    return message;
  }

  @Override
  public DetachedMessage parse(InputStream stream) {
    if (stream instanceof Detachable detachable) {
      return new DetachedMessage(detachable.detach());
    }
    // Not from a grpc transport (say, in-process): take a copy.
    try (stream) {
      return new DetachedMessage(new ByteArrayInputStream(stream.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
