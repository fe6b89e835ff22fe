package dev.fulcrum.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fulcrum.dataplane.capture.ClientPreamble.Stage;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The client's first bytes, as HTTP/2 clients and others send them, frame by frame. */
class ClientPreambleTest {
  private static final int SETTINGS = 4;
  private static final int HEADERS = 1;
  private static final int CONTINUATION = 9;
  private static final int WINDOW_UPDATE = 8;

  private static ByteBuf frame(int type, int flags, int stream, byte[] payload) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(stream).writeBytes(payload);
    return frame;
  }

  private static byte[] headerBlock(String authority, String contentType) throws Exception {
    Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path("/fulcrum.echo.v1.EchoService/Echo")
        .authority(authority);
    if (contentType != null) {
      headers.add("content-type", contentType);
    }
    ByteBuf block = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    return bytes;
  }

  private static ByteBuf concat(ByteBuf... parts) {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf part : parts) {
      all.writeBytes(part);
    }
    return all;
  }

  private static ByteBuf preface() {
    return Unpooled.wrappedBuffer(ClientPreamble.PREFACE);
  }

  private static ByteBuf clientSettings() {
    return frame(SETTINGS, 0, 0, new byte[] {0, 4, 0, 1, 0, 0}); // INITIAL_WINDOW_SIZE 65536
  }

  private static ByteBuf settingsAck() {
    return frame(SETTINGS, 1, 0, new byte[0]);
  }

  @Test
  void aGrpcClientsFirstRequestIsReadWithWhereItsAcknowledgementOfTheProxysSettingsIs() throws Exception {
    ByteBuf bytes = concat(preface(), clientSettings(), frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 1, 0}), settingsAck(),
        frame(HEADERS, 0x4, 1, headerBlock("grpc-service:50051", "application/grpc")));
    ClientPreamble.Reading reading = ClientPreamble.read(bytes);
    assertEquals(Stage.FIRST_REQUEST, reading.stage());
    assertEquals("grpc-service:50051", reading.headers().authority().toString());
    assertEquals("application/grpc", reading.headers().get("content-type").toString());
    assertEquals(ClientPreamble.PREFACE.length + 15 + 13, reading.settingsAck());
    assertEquals(0, bytes.readerIndex(), "nothing consumed");
  }

  @Test
  void theRequestIsAwaitedUntilItsHeadersEndAndTheAcknowledgementCame() throws Exception {
    byte[] block = headerBlock("grpc-service:50051", "application/grpc+proto");
    byte[] first = java.util.Arrays.copyOfRange(block, 0, 5);
    byte[] rest = java.util.Arrays.copyOfRange(block, 5, block.length);
    ByteBuf headersStarted = concat(preface(), clientSettings(), frame(HEADERS, 0x1, 1, first));
    assertEquals(Stage.HTTP2, ClientPreamble.read(headersStarted).stage());
    ByteBuf headersEnded = concat(headersStarted.copy(), frame(CONTINUATION, 0x4, 1, rest));
    assertEquals(Stage.HTTP2, ClientPreamble.read(headersEnded).stage(), "no acknowledgement yet");
    ByteBuf acknowledged = concat(headersEnded.copy(), settingsAck());
    ClientPreamble.Reading reading = ClientPreamble.read(acknowledged);
    assertEquals(Stage.FIRST_REQUEST, reading.stage());
    assertEquals("grpc-service:50051", reading.headers().authority().toString());
    // Part of a frame is not a frame.
    ByteBuf truncated = acknowledged.copy(0, acknowledged.readableBytes() - 3);
    assertEquals(Stage.HTTP2, ClientPreamble.read(truncated).stage());
  }

  @Test
  void paddingAndPriorityAreNotPartOfTheHeaders() throws Exception {
    byte[] block = headerBlock("grpc-service:50051", "application/grpc");
    byte[] payload = new byte[1 + 5 + block.length + 3];
    payload[0] = 3; // pad length
    System.arraycopy(block, 0, payload, 6, block.length);
    ClientPreamble.Reading reading = ClientPreamble.read(concat(preface(), settingsAck(), frame(HEADERS, 0x4 | 0x8 | 0x20, 1, payload)));
    assertEquals(Stage.FIRST_REQUEST, reading.stage());
    assertEquals("grpc-service:50051", reading.headers().authority().toString());
  }

  @Test
  void aByteThatIsNotThePrefacesIsEnoughToTellOtherProtocols() {
    assertEquals(Stage.NOT_HTTP2, ClientPreamble.read(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII)).stage());
    assertEquals(Stage.NOT_HTTP2, ClientPreamble.read(Unpooled.wrappedBuffer(new byte[] {22, 3, 1})).stage()); // TLS
    assertEquals(Stage.NOT_HTTP2, ClientPreamble.read(Unpooled.copiedBuffer("PRI * HTTP/1.1", StandardCharsets.US_ASCII)).stage());
    assertEquals(Stage.UNDECIDED, ClientPreamble.read(Unpooled.copiedBuffer("PRI * HT", StandardCharsets.US_ASCII)).stage());
    assertEquals(Stage.UNDECIDED, ClientPreamble.read(Unpooled.buffer()).stage());
    assertEquals(Stage.HTTP2, ClientPreamble.read(preface()).stage());
  }

  @Test
  void http2ThatCannotBeReadIsSaidSo() throws Exception {
    ByteBuf tooLarge = concat(preface(), frame(WINDOW_UPDATE, 0, 0, new byte[0]));
    tooLarge.setMedium(ClientPreamble.PREFACE.length, 16_385);
    assertEquals(Stage.UNREADABLE_HTTP2, ClientPreamble.read(tooLarge).stage());
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    ClientPreamble.Reading reading = ClientPreamble.read(concat(preface(), settingsAck(), frame(HEADERS, 0x4, 1, garbage)));
    assertEquals(Stage.UNREADABLE_HTTP2, reading.stage());
    assertNull(reading.headers());
    // Unended headers followed by anything but their continuation.
    assertEquals(Stage.UNREADABLE_HTTP2, ClientPreamble.read(concat(preface(),
        frame(HEADERS, 0, 1, headerBlock("a:1", "application/grpc")), settingsAck())).stage());
  }
}
