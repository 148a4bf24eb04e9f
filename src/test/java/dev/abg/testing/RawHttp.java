package dev.abg.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A browser's request, byte for byte: the tests set headers no HTTP client library lets them set ({@code Host}, the
 * {@code Origin} and {@code Sec-Fetch-*} a browser adds), over one HTTP/1.1 connection closed after the answer.
 */
public final class RawHttp {

  /** An answer: its status, headers (lower-case names) and body. */
  public record Answer(int status, Map<String, String> headers, String body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {
  }

  /**
   * @param headers in order; {@code Host} must be among them (as a browser sends it); a body gets its
   *                {@code Content-Length}
   */
  public static Answer send(int port, String method, String target, Map<String, String> headers, String body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (body != null) {
        head.append("Content-Length: ").append(bytes.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The headers a browser sends with a request a page makes: its {@code Host} and where the page is. */
  public static Map<String, String> browser(String host, String origin, String fetchSite) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host);
    h.put("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
    h.put("Accept", "*/*");
    if (origin != null) {
      h.put("Origin", origin);
    }
    if (fetchSite != null) {
      h.put("Sec-Fetch-Site", fetchSite);
      h.put("Sec-Fetch-Mode", "cors");
    }
    return h;
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.ISO_8859_1);   // framing counts bytes; the body is decoded as UTF-8 at the end
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
      }
    }
    String body = end < 0 ? "" : text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = unchunk(body);
    }
    return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < chunked.length()) {
      int eol = chunked.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
