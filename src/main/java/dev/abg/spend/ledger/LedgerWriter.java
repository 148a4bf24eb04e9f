package dev.abg.spend.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.quarkus.logging.Log;

/**
 * The one writer of the ledger. Writes are queued in the order the in-memory books changed and committed by a single
 * thread in groups: everything queued while one commit runs goes into the next transaction. After the commit,
 * {@code afterCommit} receives the committed request rows (the JSONL ledger), then each write's future completes.
 *
 * <p>No write is ever dropped. When a group cannot be committed (a full disk, a lock held past the busy timeout, PostgreSQL
 * away, the database file gone), or the queue is full, its writes go to the {@link SpillJournal} beside the ledger and
 * their futures complete once the journal has them on disk; the writer replays the journal into the store, in order, as
 * soon as it takes writes again (and at start). A write that neither can take (a full disk past the journal's reserve)
 * stays held here and is retried until one does; its future waits. {@link LedgerHealth} says meanwhile why the ledger
 * cannot be written.
 *
 * <p>Durability rule: SQLite in WAL mode with {@code synchronous=NORMAL}: a committed transaction survives a crash of the
 * process (SIGKILL included); a power loss may lose the last transactions before the WAL is checkpointed. The proxy
 * releases the end of a response only after its row has committed, or is on disk in the journal. On PostgreSQL (team
 * mode) a commit is durable as the server's settings make it (by default {@code synchronous_commit=on}).
 */
public final class LedgerWriter implements AutoCloseable {

  private static final int MAX_BATCH = 1024;
  /** The queue's bound: past it, writes go to the journal and new requests are refused until it drains. */
  static final int QUEUE_CAPACITY = 16_384;
  private static final long MAX_RETRY_MILLIS = 2_000;

  /**
   * Where the writer is asked to keep its journal, how to name the store in messages, and how to tell that the database
   * file is still the one it opened (null: nothing to watch, as in team mode).
   */
  public record Options(Path journal, LedgerHealth health, String where, boolean team, Supplier<String> identityProblem) {
  }

  private record Queued(long seq, LedgerOp op) {
  }

  private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  /** Writes that did not fit the queue; the writer journals them (bounded: new requests are refused meanwhile). */
  private final ConcurrentLinkedQueue<Queued> overflow = new ConcurrentLinkedQueue<>();
  private final AtomicLong submitted = new AtomicLong();
  /** Every write up to this sequence number is in the store. */
  private volatile long storedUpTo;
  private final Thread thread;
  private volatile boolean running = true;
  private final Options options;
  private final SpillJournal journal;
  /** Writes that neither the store nor the journal took yet, oldest first; the writer's thread only. */
  private final List<Queued> held = new ArrayList<>();
  private long lastTaken;
  private long retryAt;
  private long retryMillis = 100;
  /** The last write to the store failed; it is tried again after {@link #retryMillis}. */
  private boolean failing;
  private volatile long closeDeadline;
  private static final long IDENTITY_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
  private long identityCheckedAt = System.nanoTime();
  /** The writer thread's own connection and its transactions. */
  private final LedgerCommitter store;

  /** A writer without a journal (tests of the group commit): a write the store cannot take waits until it can. */
  public LedgerWriter(DataSource dataSource, String teamInstanceId, Consumer<List<LedgerRow>> afterCommit) {
    this(dataSource, teamInstanceId, afterCommit, new Options(null, new LedgerHealth(), "the ledger", teamInstanceId != null, () -> null));
  }

  /** Opens the journal and replays what it holds (a previous run's writes the store had not taken) before it starts. */
  public LedgerWriter(DataSource dataSource, String teamInstanceId, Consumer<List<LedgerRow>> afterCommit, Options options) {
    this.store = new LedgerCommitter(dataSource, teamInstanceId, afterCommit);
    this.options = options;
    this.journal = options.journal() == null ? null : openJournal(options.journal());
    if (journal != null && !journal.isEmpty()) {
      int found = journal.pending().size();
      replay();
      Log.infof("[abg] LEDGER the journal %s held %d entries from before: %d replayed into the store%s", journal.path(), found,
          found - journal.pending().size(), journal.isEmpty() ? "" : ", the rest waits for it");
    }
    this.thread = new Thread(this::run, "abg-ledger-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private static SpillJournal openJournal(Path path) {
    try {
      return new SpillJournal(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the ledger's journal " + path + ": " + e.getMessage(), e);
    }
  }

  /** The request rows still in the journal, not in the store yet (read at start: the books count them). */
  public List<LedgerRow> journaledRows() {
    List<LedgerRow> rows = new ArrayList<>();
    if (journal != null) {
      for (JournalCodec.Entry e : journal.pending()) {
        if (e.op() instanceof LedgerOp.InsertRequest insert) {
          rows.add(insert.row());
        }
      }
    }
    return rows;
  }

  public LedgerHealth health() {
    return options.health();
  }

  /**
   * Queues a write; never blocks. Past the queue's bound the write waits for the journal, and the ledger reports a
   * backlog (new requests are refused) until the queue drains.
   *
   * @return the write's sequence number ({@link #inStore} tells when it is in the store)
   */
  public long submit(LedgerOp op) {
    Queued queued = new Queued(submitted.incrementAndGet(), op);
    if (!queue.offer(queued)) {
      overflow.add(queued);
      options.health().backlog(true);
    }
    return queued.seq();
  }

  /** Whether the write of this sequence number (and every one before it) is in the store, not just in the journal. */
  public boolean inStore(long seq) {
    return seq <= storedUpTo;
  }

  private void run() {
    List<Queued> batch = new ArrayList<>(MAX_BATCH);
    while (running || ((!queue.isEmpty() || !overflow.isEmpty() || !held.isEmpty()) && System.nanoTime() - closeDeadline < 0)) {
      try {
        batch.addAll(held);
        held.clear();
        Queued first = batch.isEmpty() ? queue.poll(pollMillis(), TimeUnit.MILLISECONDS) : queue.poll();
        if (first != null) {
          batch.add(first);
        }
        queue.drainTo(batch, Math.max(0, MAX_BATCH - batch.size()));
        boolean overflowed = !overflow.isEmpty();
        Queued o;
        while ((o = overflow.poll()) != null) {
          batch.add(o);
        }
        if (!batch.isEmpty()) {
          lastTaken = Math.max(lastTaken, batch.get(batch.size() - 1).seq());
          write(batch, overflowed);
        } else if (System.nanoTime() - identityCheckedAt > IDENTITY_CHECK_NANOS) {
          // idle: the database file is still watched, so that a deletion is reported before the next write finds it
          identityCheckedAt = System.nanoTime();
          identityIntact();
        }
        if (overflow.isEmpty() && queue.remainingCapacity() > QUEUE_CAPACITY / 2) {
          options.health().backlog(false);
        }
        if (journal != null && !journal.isEmpty() && due()) {
          replay();
        }
        if (held.isEmpty() && (journal == null || journal.isEmpty()) && queue.isEmpty()) {
          storedUpTo = lastTaken;
        }
        if (!held.isEmpty()) {
          Thread.sleep(Math.min(retryMillis, 200));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable e) {
        Log.errorf(e, "[abg] LEDGER the writer met an unexpected failure; it goes on");
      } finally {
        batch.clear();
      }
    }
    if (journal != null && !journal.isEmpty()) {
      replay();
    }
    store.dropConnection();
    if (!held.isEmpty()) {
      Log.errorf("[abg] LEDGER %d entries could be written neither to the store nor to the journal before exit", held.size());
    }
    closeJournal();
  }

  /**
   * The group goes to the store when nothing waits in the journal before it and the store is not known to be failing (or
   * its retry is due); else to the journal.
   */
  private void write(List<Queued> batch, boolean overflowed) {
    boolean journalEmpty = journal == null || journal.isEmpty();
    if (!overflowed && journalEmpty && (!failing || due()) && identityIntact()) {
      try {
        long last = batch.get(batch.size() - 1).seq();
        // in the store, with everything before it (nothing waits in the journal or is held): said before the futures complete
        store.commitAndPublish(ops(batch), null, () -> {
          if (held.isEmpty() && batch.get(0).seq() > storedUpTo) {
            storedUpTo = last;
          }
        });
        succeeded(0);
        return;
      } catch (Throwable e) {
        store.dropConnection();
        failed(e);
      }
    }
    spill(batch);
  }

  /** Writes the group to the journal (durable: the futures complete); when the journal cannot take it, holds it. */
  private void spill(List<Queued> batch) {
    if (journal == null) {
      held.addAll(batch);
      return;
    }
    try {
      List<LedgerOp> ops = ops(batch);
      journal.append(ops);
      options.health().journaled(ops.size());
      options.health().pending(journal.pending().size());
      for (LedgerOp op : ops) {
        op.journaled();
      }
    } catch (IOException e) {
      if (held.isEmpty()) {
        Log.errorf("[abg] LEDGER the journal %s cannot take %d entries either (%s): they are held in memory and retried", journal.path(),
            batch.size(), e.getMessage());
      }
      held.addAll(batch);
    }
  }

  /**
   * Writes the journal's entries into the store, in order, in groups with the store's mark of the last one. A group
   * that fails is tried entry by entry: an entry that fails while the one after it goes in cannot be written at all (it
   * is set aside in {@code <journal>.rejected}, logged); when the next fails too, the store is still away.
   */
  private void replay() {
    if (!identityIntact()) {
      return;
    }
    int replayed = 0;
    try {
      String mark = readMark();
      List<JournalCodec.Entry> pending = new ArrayList<>(journal.pending());
      int i = 0;
      while (i < pending.size() && journal.alreadyIn(mark, pending.get(i).seq())) {
        i++;
      }
      if (i > 0) {
        journal.replayed(pending.get(i - 1).seq());
      }
      while (i < pending.size()) {
        List<JournalCodec.Entry> group = pending.subList(i, Math.min(pending.size(), i + MAX_BATCH));
        try {
          commitGroup(group);
          i += group.size();
          replayed += group.size();
        } catch (Throwable groupFailure) {
          store.dropConnection();
          int done = replayOneByOne(group);
          i += done;
          replayed += done;
          if (done < group.size()) {
            throw groupFailure;
          }
        }
      }
      options.health().pending(journal.pending().size());
      succeeded(replayed);
    } catch (Throwable e) {
      store.dropConnection();
      options.health().pending(journal.pending().size());
      failed(e);
    }
  }

  /** @return how many of the group went in, or were set aside as impossible to write */
  private int replayOneByOne(List<JournalCodec.Entry> group) throws IOException {
    for (int k = 0; k < group.size(); k++) {
      try {
        commitGroup(List.of(group.get(k)));
      } catch (Throwable e) {
        store.dropConnection();
        if (!storeTakesWrites()) {
          return k;
        }
        reject(group.get(k), e);
      }
    }
    return group.size();
  }

  /** Whether the store takes a write now: the journal's mark written again as it stands, in a transaction of its own. */
  private boolean storeTakesWrites() {
    try {
      String mark = store.sql().setting(SpillJournal.MARK_KEY);
      store.sql().putMark(SpillJournal.MARK_KEY, mark == null ? journal.mark(0) : mark);
      store.commitAlone();
      return true;
    } catch (Throwable e) {
      store.dropConnection();
      return false;
    }
  }

  private void commitGroup(List<JournalCodec.Entry> group) throws SQLException, IOException {
    List<LedgerOp> ops = new ArrayList<>(group.size());
    for (JournalCodec.Entry e : group) {
      ops.add(e.op());
    }
    long last = group.get(group.size() - 1).seq();
    store.commitAndPublish(ops, journal.mark(last));
    journal.replayed(last);
  }

  /** Sets an entry that the store refuses (while it takes others) aside in {@code <journal>.rejected}, and moves the mark past it. */
  private void reject(JournalCodec.Entry entry, Throwable e) throws IOException {
    Path rejected = journal.path().resolveSibling(journal.path().getFileName() + ".rejected");
    Files.writeString(rejected, JournalCodec.encode(entry.seq(), entry.op()) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Log.errorf("[abg] LEDGER a journal entry cannot be written to the store (%s); kept in %s", e.getMessage(), rejected);
    try {
      store.sql().putMark(SpillJournal.MARK_KEY, journal.mark(entry.seq()));
      store.commitAlone();
    } catch (SQLException markFailed) {
      store.dropConnection();
      throw new IOException("cannot move the journal's mark past a rejected entry: " + markFailed.getMessage(), markFailed);
    }
    journal.replayed(entry.seq());
  }

  private String readMark() throws SQLException {
    return store.sql().setting(SpillJournal.MARK_KEY);
  }

  private void succeeded(int replayed) {
    failing = false;
    retryMillis = 100;
    options.health().writable(replayed);
  }

  private void failed(Throwable e) {
    failing = true;
    String problem = identityIntact() ? LedgerFault.describe(e, options.where(), options.team()) : null;
    if (problem != null) {
      options.health().failing(problem);
    }
    retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
    retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
  }

  private boolean due() {
    return System.nanoTime() - retryAt >= 0;
  }

  private long pollMillis() {
    if (journal != null && !journal.isEmpty()) {
      return Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(retryAt - System.nanoTime())));
    }
    return 200;
  }

  /** The database file is still the one opened at start; when not, the ledger takes no more writes until a restart. */
  private boolean identityIntact() {
    String problem = options.identityProblem().get();
    if (problem == null) {
      return true;
    }
    options.health().identityLost(problem);
    store.dropConnection();
    return false;
  }

  private static List<LedgerOp> ops(List<Queued> batch) {
    List<LedgerOp> ops = new ArrayList<>(batch.size());
    for (Queued q : batch) {
      ops.add(q.op());
    }
    return ops;
  }

  /**
   * Stops taking writes and waits for the queue to be written — to the store, or to the journal when the store cannot
   * take it — then makes one more attempt to replay the journal.
   */
  @Override
  public void close() {
    closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeJournal() {
    if (journal != null) {
      if (!journal.isEmpty()) {
        Log.warnf("[abg] LEDGER %d entries stay in the journal %s: they are replayed at the next start", journal.pending().size(), journal.path());
      }
      try {
        journal.close();
      } catch (IOException ignored) {
        // at exit: what is in it is on disk
      }
    }
  }

  static int flag(boolean b) {
    return b ? 1 : 0;
  }
}
