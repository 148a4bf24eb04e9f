package dev.abg.spend.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.quarkus.logging.Log;

/**
 * The local append-only journal beside the ledger ({@code <db_path>.pending}): the writes that the store could not take
 * (a full disk, a lock held too long, PostgreSQL away) or that did not fit the writer's queue, one JSON line each
 * ({@link JournalCodec}), flushed to the disk before the write counts as durable. The writer replays them into the store,
 * in their order, as soon as it takes writes again, and at start.
 *
 * <p>Its space is reserved when it is opened ({@value #RESERVE_BYTES} bytes of zeros), so that a full disk still leaves room
 * for a few thousand rows: a write goes over the zeros, and the zeros after the last line mark its end. A replay is made
 * idempotent by a mark in the store's {@code settings} table ({@value #MARK_KEY}: this journal's id and the last entry
 * replayed), written in the same transaction as the entries, so a crash between the commit and the journal's clearing
 * does not write them twice.
 *
 * <p>Used by the writer's thread only.
 */
final class SpillJournal implements AutoCloseable {

  static final long RESERVE_BYTES = 2L * 1024 * 1024;
  static final String MARK_KEY = "ledger_journal_replayed";
  private static final String HEADER_FIELD = "{\"journal\":\"";

  private final Path path;
  private final FileChannel channel;
  private String id;
  private long nextSeq = 1;
  /** Where the next line goes: just after the last complete line. */
  private long end;
  private final List<JournalCodec.Entry> pending = new ArrayList<>();

  /** Opens (or creates, owner-only) the journal and reads the entries it holds. */
  SpillJournal(Path path) throws IOException {
    this.path = path;
    OwnerOnlyFile.create(path, false);
    this.channel = FileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    read();
    if (id == null) {
      startOver();
    }
    reserve();
  }

  Path path() {
    return path;
  }

  String id() {
    return id;
  }

  /** The entries not yet in the store, oldest first. */
  List<JournalCodec.Entry> pending() {
    return pending;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /**
   * Appends the writes, in their order, and flushes them to the disk. On failure (the reserve used up on a full disk)
   * nothing of them counts: what was written of them is zeroed again, and the next append goes at the same place.
   */
  void append(List<LedgerOp> ops) throws IOException {
    StringBuilder lines = new StringBuilder(ops.size() * 640);
    List<JournalCodec.Entry> entries = new ArrayList<>(ops.size());
    long seq = nextSeq;
    for (LedgerOp op : ops) {
      lines.append(JournalCodec.encode(seq, op)).append('\n');
      entries.add(new JournalCodec.Entry(seq, op));
      seq++;
    }
    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    try {
      write(bytes, end);
      channel.force(false);
    } catch (IOException e) {
      try {
        write(new byte[(int) Math.min(bytes.length, Math.max(0, channel.size() - end))], end);
      } catch (IOException ignored) {
        // the torn bytes stay; a read stops at the first line it cannot decode
      }
      throw e;
    }
    end += bytes.length;
    nextSeq = seq;
    pending.addAll(entries);
  }

  /** The entries up to {@code seq} are in the store: forgotten here; when none is left, the journal starts over. */
  void replayed(long seq) throws IOException {
    pending.removeIf(e -> e.seq() <= seq);
    if (pending.isEmpty()) {
      clear();
    }
  }

  /** Whether an entry of this journal with {@code seq} is already in the store, by the store's mark. */
  boolean alreadyIn(String mark, long seq) {
    if (mark == null) {
      return false;
    }
    int space = mark.indexOf(' ');
    return space > 0 && mark.substring(0, space).equals(id) && seq <= Long.parseLong(mark.substring(space + 1));
  }

  String mark(long seq) {
    return id + " " + seq;
  }

  private void clear() throws IOException {
    // zeros over what was used (the file keeps its size: on a full disk, space given back may not be had again)
    write(new byte[(int) Math.max(0, end)], 0);
    startOver();
    channel.force(false);
  }

  private void startOver() throws IOException {
    id = UUID.randomUUID().toString();
    nextSeq = 1;
    byte[] header = (HEADER_FIELD + id + "\"}\n").getBytes(StandardCharsets.UTF_8);
    write(header, 0);
    end = header.length;
  }

  private void reserve() {
    try {
      long size = channel.size();
      if (size < RESERVE_BYTES) {
        write(new byte[(int) (RESERVE_BYTES - size)], size);
        channel.force(false);
      }
    } catch (IOException e) {
      Log.warnf("[abg] LEDGER cannot reserve %d KB for the journal %s (%s): on a full disk it may have no room", RESERVE_BYTES / 1024, path,
          e.getMessage());
    }
  }

  private void read() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return;
    }
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
    while (all.hasRemaining() && channel.read(all, all.position()) > 0) {
      // reads the whole file
    }
    byte[] bytes = all.array();
    int limit = all.position();
    int start = 0;
    boolean header = true;
    while (start < limit && bytes[start] != 0) {
      int nl = start;
      while (nl < limit && bytes[nl] != '\n') {
        nl++;
      }
      if (nl == limit) {
        Log.warnf("[abg] LEDGER the journal %s ends with a torn entry (%d bytes): ignored", path, nl - start);
        break;
      }
      String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
      if (header) {
        if (!line.startsWith(HEADER_FIELD)) {
          throw new IOException("the journal " + path + " does not start with its header; move it away to start without it");
        }
        id = line.substring(HEADER_FIELD.length(), line.indexOf('"', HEADER_FIELD.length()));
        header = false;
      } else {
        try {
          JournalCodec.Entry entry = JournalCodec.decode(line);
          pending.add(entry);
          nextSeq = entry.seq() + 1;
        } catch (IOException | RuntimeException e) {
          Log.errorf("[abg] LEDGER the journal %s has an entry that cannot be read at byte %d (%s): it and what follows are ignored", path, start,
              e.getMessage());
          break;
        }
      }
      start = nl + 1;
    }
    end = start;
    if (id != null && end < limit) {
      // whatever follows the last good line (a torn entry) is zeroed, so that the next line starts clean
      write(new byte[limit - (int) end], end);
    }
  }

  private void write(byte[] bytes, long at) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long position = at;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
