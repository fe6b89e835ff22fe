package dev.fulcrum.dataplane.capture;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * What a captured connection's client has sent so far, read as far as telling what it speaks: not
 * HTTP/2 as soon as a byte departs from the HTTP/2 preface; else, once it has sent its first
 * request's headers and acknowledged the proxy's SETTINGS (an HTTP/2 client sends its request only
 * after the server's SETTINGS, so the proxy sends an empty one, all defaults, as soon as it sees
 * the preface), those headers. Each call reads the bytes from the start: they are few, and a
 * connection is read only until it is told apart.
 */
final class ClientPreamble {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
  static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
  /** The most a client may send before it is told apart, and the most its first headers may hold. */
  static final int MAX_BYTES = 64 * 1024;

  private static final int FRAME_HEADER = 9;
  /** HTTP/2's default SETTINGS_MAX_FRAME_SIZE, which the proxy's empty SETTINGS leaves as it is. */
  private static final int MAX_FRAME = 16_384;
  private static final int HEADERS = 1;
  private static final int SETTINGS = 4;
  private static final int CONTINUATION = 9;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  enum Stage {
    /** Fewer bytes than the preface, all of them the preface's. */
    UNDECIDED,
    /** Not HTTP/2: a byte is not the preface's. */
    NOT_HTTP2,
    /** The preface came: waiting for the first request and the SETTINGS acknowledgement. */
    HTTP2,
    /** HTTP/2 the proxy cannot read (a frame too large, headers that do not decode): it passes through. */
    UNREADABLE_HTTP2,
    /** The first request's headers are in, and the acknowledgement of the proxy's SETTINGS. */
    FIRST_REQUEST
  }

  /**
   * @param headers the first request's headers (at {@link Stage#FIRST_REQUEST})
   * @param settingsAck where the client's acknowledgement of the proxy's SETTINGS starts, once it
   *     came (else -1): a 9-byte frame that answers the proxy, not whoever takes the connection next
   */
  record Reading(Stage stage, Http2Headers headers, int settingsAck) {
    static Reading of(Stage stage) {
      return new Reading(stage, null, -1);
    }
  }

  private ClientPreamble() {}

  /** Reads {@code bytes} from its reader index, which it leaves as it is. */
  static Reading read(ByteBuf bytes) {
    int start = bytes.readerIndex();
    int length = bytes.readableBytes();
    for (int i = 0; i < Math.min(length, PREFACE.length); i++) {
      if (bytes.getByte(start + i) != PREFACE[i]) {
        return Reading.of(Stage.NOT_HTTP2);
      }
    }
    if (length < PREFACE.length) {
      return Reading.of(Stage.UNDECIDED);
    }
    int settingsAck = -1;
    ByteBuf headerBlock = null;
    boolean headersEnded = false;
    try {
      for (int at = start + PREFACE.length; at + FRAME_HEADER <= start + length; ) {
        int frameLength = bytes.getUnsignedMedium(at);
        int type = bytes.getUnsignedByte(at + 3);
        int flags = bytes.getUnsignedByte(at + 4);
        int streamId = bytes.getInt(at + 5) & 0x7fffffff;
        if (frameLength > MAX_FRAME) {
          return Reading.of(Stage.UNREADABLE_HTTP2);
        }
        if (at + FRAME_HEADER + frameLength > start + length) {
          break; // the rest of this frame is yet to come
        }
        int payload = at + FRAME_HEADER;
        if (headerBlock != null && !headersEnded && type != CONTINUATION) {
          return Reading.of(Stage.UNREADABLE_HTTP2); // only CONTINUATION may follow unended headers
        }
        if (type == SETTINGS && (flags & ACK) != 0 && settingsAck < 0) {
          settingsAck = at - start;
        } else if (type == HEADERS && headerBlock == null) {
          int padding = (flags & PADDED) != 0 ? bytes.getUnsignedByte(payload) : 0;
          int skip = ((flags & PADDED) != 0 ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0);
          if (skip + padding > frameLength || streamId == 0) {
            return Reading.of(Stage.UNREADABLE_HTTP2);
          }
          headerBlock = ByteBufAllocator.DEFAULT.heapBuffer();
          headerBlock.writeBytes(bytes, payload + skip, frameLength - skip - padding);
          headersEnded = (flags & END_HEADERS) != 0;
        } else if (type == CONTINUATION && headerBlock != null && !headersEnded) {
          headerBlock.writeBytes(bytes, payload, frameLength);
          headersEnded = (flags & END_HEADERS) != 0;
        }
        at = payload + frameLength;
      }
      if (headerBlock == null || !headersEnded || settingsAck < 0) {
        return new Reading(Stage.HTTP2, null, settingsAck);
      }
      return new Reading(Stage.FIRST_REQUEST, decode(headerBlock), settingsAck);
    } catch (Http2Exception e) {
      return Reading.of(Stage.UNREADABLE_HTTP2);
    } finally {
      if (headerBlock != null) {
        headerBlock.release();
      }
    }
  }

  /** The first header block of a connection: the HPACK dynamic table starts empty, as a fresh decoder's does. */
  private static Http2Headers decode(ByteBuf headerBlock) throws Http2Exception {
    return new DefaultHttp2HeadersDecoder(true, MAX_BYTES).decodeHeaders(1, headerBlock);
  }
}
