package dev.fulcrum.dataplane.forward;

import io.grpc.Drainable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * One message's bytes, still in the buffers they arrived in. grpc's framer drains it straight
 * from those buffers into the outgoing frame (one copy, and no scratch array when the buffers are
 * on the heap); closing it releases the buffers.
 */
final class DetachedMessage extends InputStream implements Drainable, KnownLength {
  /** For buffers off the heap, which an {@link OutputStream} cannot take directly; one per thread. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

  private final InputStream buffers;

  DetachedMessage(InputStream buffers) {
    this.buffers = buffers;
  }

  @Override
  public int drainTo(OutputStream target) throws IOException {
    if (!(buffers instanceof HasByteBuffer chunks) || !chunks.byteBufferSupported()) {
      return (int) buffers.transferTo(target);
    }
    int drained = 0;
    for (int left = buffers.available(); left > 0; left = buffers.available()) {
      ByteBuffer chunk = chunks.getByteBuffer();
      if (chunk == null) {
        break;
      }
      int length = chunk.remaining();
      if (chunk.hasArray()) {
        target.write(chunk.array(), chunk.arrayOffset() + chunk.position(), length);
      } else {
        byte[] scratch = SCRATCH.get();
        for (int copied = 0; copied < length; ) {
          int n = Math.min(scratch.length, length - copied);
          chunk.get(scratch, 0, n);
          target.write(scratch, 0, n);
          copied += n;
        }
      }
      buffers.skipNBytes(length);
      drained += length;
    }
    return drained;
  }

  @Override
  public int available() throws IOException {
    return buffers.available();
  }

  @Override
  public int read() throws IOException {
    return buffers.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return buffers.read(b, off, len);
  }

  @Override
  public void close() throws IOException {
    buffers.close();
  }
}
