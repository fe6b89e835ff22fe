package dev.fulcrum.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Drainable;
import io.grpc.internal.CompositeReadableBuffer;
import io.grpc.internal.ForwardingReadableBuffer;
import io.grpc.internal.ReadableBuffer;
import io.grpc.internal.ReadableBuffers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MarshallersTest {
  /** A received buffer that counts how often it is released. */
  private static final class Tracked extends ForwardingReadableBuffer {
    int closed;

    Tracked(ReadableBuffer buffer) {
      super(buffer);
    }

    @Override
    public void close() {
      closed++;
      super.close();
    }
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static byte[] drain(InputStream message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(message.available(), ((Drainable) message).drainTo(out));
    return out.toByteArray();
  }

  @Test
  void aResponsePassesInItsOwnBuffersWhichAreReleasedOnceWritten() throws IOException {
    byte[] content = bytes(1024);
    Tracked received = new Tracked(ReadableBuffers.wrap(content));
    InputStream parsed = ReadableBuffers.openStream(received, true);

    DetachedMessage message = ResponseMarshaller.INSTANCE.parse(parsed);
    parsed.close(); // grpc closes what it parsed: detached, the buffer must survive that
    assertEquals(0, received.closed);

    InputStream written = ResponseMarshaller.INSTANCE.stream(message);
    assertArrayEquals(content, drain(written));
    written.close(); // grpc closes what it has written
    assertEquals(1, received.closed);
  }

  @Test
  void aLargeResponseInManyBuffersOnAndOffTheHeapArrivesWhole() throws IOException {
    byte[] content = bytes(3 << 20);
    int third = content.length / 3;
    ByteBuffer direct = ByteBuffer.allocateDirect(third).put(content, third, third).flip();
    CompositeReadableBuffer received = new CompositeReadableBuffer();
    received.addBuffer(ReadableBuffers.wrap(Arrays.copyOfRange(content, 0, third)));
    received.addBuffer(ReadableBuffers.wrap(direct));
    received.addBuffer(ReadableBuffers.wrap(Arrays.copyOfRange(content, 2 * third, content.length)));

    try (DetachedMessage message = ResponseMarshaller.INSTANCE.parse(ReadableBuffers.openStream(received, true))) {
      assertArrayEquals(content, drain(message));
      assertEquals(0, message.available());
    }
  }

  @Test
  void aRequestCanBeStreamedAgainForARetry() throws IOException {
    byte[] content = bytes(64);
    byte[] message = RequestMarshaller.INSTANCE.parse(ReadableBuffers.openStream(ReadableBuffers.wrap(content), true));

    assertArrayEquals(content, drain(RequestMarshaller.INSTANCE.stream(message)));
    assertArrayEquals(content, drain(RequestMarshaller.INSTANCE.stream(message)));
  }
}
