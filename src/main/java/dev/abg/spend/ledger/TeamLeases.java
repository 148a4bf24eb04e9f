package dev.abg.spend.ledger;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.quarkus.logging.Log;

import dev.abg.spend.Money;

/**
 * Team mode's link to the shared PostgreSQL ledger: the leases through which several instances share each session's cap
 * and the day's budget, and this instance's heartbeat. docs/team-mode.md explains the rule; in short, an instance may
 * let its requests of a session consume only what it holds as a lease on that session, and it takes leases with one
 * atomic call ({@code abg_take_lease}) that never grants more than is left of the cap. Settling a request turns its part
 * of the lease into spend in the same transaction as its ledger row ({@link LedgerSql}).
 *
 * <p>The calls block on the database and run on this class's own threads; the stages complete there.
 */
public final class TeamLeases implements AutoCloseable {

  /** How often an instance moves its heartbeat, and looks for dead instances. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** An instance whose heartbeat is older than this is dead: its leases go back to their sessions. */
  public static final Duration EXPIRY = Duration.ofSeconds(5);
  /**
   * Past this without a heartbeat of its own, an instance is fenced: its streams stop and it admits nothing until its next
   * heartbeat. One heartbeat before the expiry, so that it is fenced whenever the others may have reaped it (its last
   * heartbeat began here before the database stamped it).
   */
  public static final Duration FENCE_AFTER = EXPIRY.minus(HEARTBEAT);

  /** When the last heartbeat that reached the database began: monotonic, and by the wall clock (which a suspended machine's monotonic clock misses). */
  private volatile long beatNanos = System.nanoTime();
  private volatile long beatWallMillis = System.currentTimeMillis();
  private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();

  private final DataSource dataSource;
  private final String instanceId;
  private final ExecutorService calls;
  private final ScheduledExecutorService heartbeat;

  /** A lease taken, and the session and the day as the database has them now. */
  public record Grant(long grantedMicros, long neededMicros, boolean exhausted, long leftMicros, long capMicros, boolean ownCap, long spentMicros, long leasedMicros, long mineMicros, boolean closed, String label,
               long requests, long daySpentMicros, long dayLeasedMicros, boolean dayLimited) {
  }

  public TeamLeases(DataSource dataSource) {
    this.dataSource = dataSource;
    this.instanceId = newInstanceId();
    AtomicInteger n = new AtomicInteger();
    this.calls = Executors.newFixedThreadPool(4, r -> daemon(r, "abg-team-" + n.incrementAndGet()));
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "abg-team-heartbeat"));
    register();
  }

  public String instanceId() {
    return instanceId;
  }

  /**
   * Starts the heartbeat. {@code fence} runs when a heartbeat finds the last one more than {@link #FENCE_AFTER} ago (a
   * pause, the database out of reach), before it talks to the database; {@code lost} runs when this instance finds itself
   * reaped (it then holds no lease any more), before it registers again.
   */
  public void start(Runnable refresh, Runnable fence, Runnable lost) {
    heartbeat.scheduleWithFixedDelay(() -> beat(refresh, fence, lost), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How long since the last heartbeat that reached the database began (the longer of the monotonic and the wall clock's count). */
  public Duration sinceHeartbeat() {
    long nanos = System.nanoTime() - beatNanos;
    long wallMillis = System.currentTimeMillis() - beatWallMillis;
    return Duration.ofMillis(Math.max(nanos / 1_000_000, wallMillis));
  }

  /** Whether this instance is fenced now: no heartbeat for longer than {@link #FENCE_AFTER}. */
  public boolean lapsed() {
    return sinceHeartbeat().compareTo(FENCE_AFTER) > 0;
  }

  /**
   * Takes {@code needMicros} more of the session's cap and of the day's budget, plus headroom (an eighth of what is left
   * beyond the need, within the given bounds), or all that is left when that is less. Both 0: only reads where the session
   * and the day stand.
   */
  public CompletionStage<Grant> take(String sessionId, Instant now, LocalDate day, long needMicros, long headroomMin, long headroomMax, long defaultCapMicros,
                              Optional<Long> dailyCapMicros) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT * FROM abg_take_lease(?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        c.setAutoCommit(true);
        int i = 1;
        ps.setString(i++, instanceId);
        ps.setString(i++, sessionId);
        ps.setString(i++, now.toString());
        ps.setString(i++, day.toString());
        ps.setLong(i++, needMicros);
        ps.setLong(i++, headroomMin);
        ps.setLong(i++, headroomMax);
        ps.setLong(i++, defaultCapMicros);
        if (dailyCapMicros.isPresent()) {
          ps.setLong(i, dailyCapMicros.get());
        } else {
          ps.setNull(i, Types.BIGINT);
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Grant(rs.getLong("granted"), rs.getLong("needed"), rs.getBoolean("exhausted"), rs.getLong("left_micros"), rs.getLong("cap_micros"), rs.getBoolean("own_cap"), rs.getLong("spent_micros"),
              rs.getLong("leased_micros"), rs.getLong("mine_micros"), rs.getInt("closed") != 0, rs.getString("label"), rs.getLong("requests"), rs.getLong("day_spent_micros"),
              rs.getLong("day_leased_micros"), rs.getBoolean("day_limited"));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("the team ledger did not answer: " + e.getMessage(), e);
      }
    }, calls);
  }

  /** The day's settled spend and what instances hold of it as leases (blocking). */
  public long[] day(LocalDate day) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT spent_micros, leased_micros FROM days WHERE day = ?")) {
      ps.setString(1, day.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the day's total from the team ledger: " + e.getMessage(), e);
    }
  }

  private void register() {
    long nanos = System.nanoTime();
    long wall = System.currentTimeMillis();
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO instances (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()")) {
      ps.setString(1, instanceId);
      ps.executeUpdate();
      beatNanos = nanos;
      beatWallMillis = wall;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot register this instance in the team ledger: " + e.getMessage(), e);
    }
  }

  private void beat(Runnable refresh, Runnable fence, Runnable lost) {
    if (lapsed()) {
      // first stop what runs on leases that may be the others' by now, then talk to the database
      fence.run();
    }
    long nanos = System.nanoTime();
    long wall = System.currentTimeMillis();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      boolean alive;
      try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET heartbeat_at = now() WHERE id = ?")) {
        ps.setString(1, instanceId);
        alive = ps.executeUpdate() == 1;
      }
      if (!alive) {
        // reaped while alive (a pause longer than the expiry): the leases are gone; drop them, then start again with none
        Log.warnf("[abg] TEAM instance %s missed its heartbeat for more than %d s; its leases were returned. Registering again.", instanceId,
            EXPIRY.toSeconds());
        lost.run();
        register();
      } else {
        beatNanos = nanos;
        beatWallMillis = wall;
      }
      long returned = reapDead(c);
      if (returned > 0) {
        Log.infof("[abg] TEAM returned %s of leases held by dead instance(s) to their sessions", Money.format(returned, 4));
      }
    } catch (RuntimeException | SQLException e) {
      Log.warnf("[abg] TEAM heartbeat failed: %s", e.getMessage());
    }
    refreshAside(refresh);
  }

  /**
   * The refresh of the books reads every session: on a thread of the calls, one at a time, so that however long it takes
   * it never delays the next heartbeat (a late heartbeat fences this instance, and past the expiry gets it reaped).
   */
  private void refreshAside(Runnable refresh) {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      calls.execute(() -> {
        try {
          refresh.run();
        } catch (RuntimeException e) {
          Log.warnf("[abg] TEAM refresh from the team ledger failed: %s", e.getMessage());
        } finally {
          refreshing.set(false);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      refreshing.set(false);   // closing
    }
  }

  /** Returns the leases of the instances silent for longer than the expiry to their sessions; how much. */
  private static long reapDead(Connection c) throws SQLException {
    try (CallableStatement reap = c.prepareCall("SELECT abg_reap_instances(?::interval)")) {
      reap.setString(1, EXPIRY.toMillis() + " milliseconds");
      try (ResultSet rs = reap.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** Returns this instance's leases (its requests have settled) and leaves the team. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    calls.shutdown();
    try {
      calls.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET heartbeat_at = '-infinity' WHERE id = ?")) {
        ps.setString(1, instanceId);
        ps.executeUpdate();
      }
      reapDead(c);
    } catch (SQLException e) {
      Log.warnf("[abg] TEAM could not leave the team cleanly (its leases expire in %d s): %s", EXPIRY.toSeconds(), e.getMessage());
    }
  }

  private static String newInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "host";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
