package dev.abg.spend.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

import io.quarkus.logging.Log;

/**
 * The optional JSONL ledger ({@code ledger_file}): one line per settled request, appended after its row committed, a
 * whole group of lines in one write. At start a torn last line (a crash in the middle of a write) is cut off, with a log
 * line, so that readers never choke on it.
 */
public final class JsonlLedger implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;

  public JsonlLedger(Path path) throws IOException {
    this.path = path;
    OwnerOnlyFile.create(path, false);
    this.channel = FileChannel.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.READ));
    repairTornTail();
    channel.position(channel.size());
  }

  private void repairTornTail() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return;
    }
    ByteBuffer one = ByteBuffer.allocate(1);
    channel.read(one, size - 1);
    if (one.get(0) == '\n') {
      return;
    }
    long end = size - 1;
    ByteBuffer chunk = ByteBuffer.allocate(8192);
    long lastNewline = -1;
    while (end >= 0 && lastNewline < 0) {
      long start = Math.max(0, end - chunk.capacity() + 1);
      chunk.clear().limit((int) (end - start + 1));
      channel.read(chunk, start);
      for (int i = chunk.position() - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          lastNewline = start + i;
          break;
        }
      }
      end = start - 1;
    }
    long keep = lastNewline + 1;
    channel.truncate(keep);
    Log.warnf("[abg] LEDGER %s ended with a torn line (%d bytes after the last complete line, a crash mid-write): removed", path, size - keep);
  }

  public void append(List<LedgerRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder(rows.size() * 512);
    for (LedgerRow row : rows) {
      lines.append(JsonlLine.of(row)).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    long before = -1;
    try {
      before = channel.size();
      channel.position(before);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      Log.errorf("[abg] LEDGER cannot append %d line(s) to %s: %s (the database has them; `abg ledger import` is not needed for them)", rows.size(),
          path, e.getMessage());
      cutBackTo(before);
    }
  }

  /** A failed append (a full disk) may have written part of a line: cut back to the end of the last whole line. */
  private void cutBackTo(long size) {
    if (size < 0) {
      return;
    }
    try {
      if (channel.size() > size) {
        channel.truncate(size);
        Log.warnf("[abg] LEDGER %s: the part of the failed append was cut off (back to the last complete line)", path);
      }
      channel.position(size);
    } catch (IOException e) {
      Log.errorf("[abg] LEDGER cannot cut %s back to its last complete line: %s", path, e.getMessage());
    }
  }

  /** The {@code ledger_id} of the last line (0: an empty file, or a last line without one). */
  public long lastLedgerId() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return 0;
    }
    int span = (int) Math.min(size, 64 * 1024);
    ByteBuffer tail = ByteBuffer.allocate(span);
    channel.read(tail, size - span);
    String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    String last = lines[lines.length - 1];
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"ledger_id\":(\\d+)").matcher(last);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
