package dev.fulcrum.dataplane.forward;

import io.grpc.internal.ReadableBuffers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One message through the proxy's marshalling, from the stream grpc parses (a detachable stream
 * over the received buffer) to the outgoing frame (an output stream that copies, as grpc's framer
 * does into a Netty buffer): the first proxy's copy into a {@code byte[]} and back, against
 * {@link RequestMarshaller} and {@link ResponseMarshaller}. Run with {@code -prof gc} to see the
 * bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MarshallingBenchmark {
  @Param({"64", "16384", "1048576"})
  int size;

  private ByteBuffer received;
  private Frame frame;

  /** Takes what is written, like the framer's buffer: a copy into memory it owns. */
  static final class Frame extends OutputStream {
    final byte[] memory;
    int position;

    Frame(int size) {
      memory = new byte[size];
    }

    @Override
    public void write(int b) {
      memory[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, memory, position, len);
      position += len;
    }
  }

  @Setup
  public void setUp() {
    received = ByteBuffer.allocate(size);
    frame = new Frame(size);
  }

  private InputStream parsedStream() {
    return ReadableBuffers.openStream(ReadableBuffers.wrap(received.duplicate()), true);
  }

  /** Before: readAllBytes, then a plain ByteArrayInputStream that grpc copies through a scratch array. */
  @Benchmark
  public int copyToByteArray() throws IOException {
    byte[] message;
    try (InputStream in = parsedStream()) {
      message = in.readAllBytes();
    }
    frame.position = 0;
    return (int) new ByteArrayInputStream(message).transferTo(frame);
  }

  @Benchmark
  public int requestMarshaller() throws IOException {
    byte[] message = RequestMarshaller.INSTANCE.parse(parsedStream());
    frame.position = 0;
    try (InputStream out = RequestMarshaller.INSTANCE.stream(message)) {
      return ((io.grpc.Drainable) out).drainTo(frame);
    }
  }

  @Benchmark
  public int responseMarshaller() throws IOException {
    DetachedMessage message = ResponseMarshaller.INSTANCE.parse(parsedStream());
    frame.position = 0;
    try (message) {
      return message.drainTo(frame);
    }
  }
}
