package dev.abg.spend;

import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.abg.spend.ledger.TeamLeases;

/** One instance: the books are the whole truth, and the session's cap (or the day's) is the boundary of its streams. */
final class LocalSharing implements Sharing {

  private final Books books;
  private final Budgets budgets;

  LocalSharing(Books books, Budgets budgets) {
    this.books = books;
    this.budgets = budgets;
  }

  @Override
  public String instanceId() {
    return null;
  }

  @Override
  public void start() {
  }

  @Override
  public String fenced() {
    return null;
  }

  @Override
  public CompletionStage<TeamLeases.Grant> beforeDecision(SessionAccount account, Admission request, long minimumMicros, long reserveMicros) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public BudgetDecision.Denied refuseOverLease(SessionAccount account, TeamLeases.Grant grant, long spentMicros, long capMicros, long minimumMicros,
                                               Standing standing) {
    return null;
  }

  @Override
  public void refused(SessionAccount account) {
  }

  @Override
  public long remaining(SessionAccount account, long sessionLeftMicros) {
    return sessionLeftMicros;
  }

  @Override
  public boolean booksMayLag() {
    return false;
  }

  /** The session's settled plus in-flight spend reached its cap, or the day's reached the daily cap. */
  @Override
  public Metered metered(SessionAccount account) {
    long cap = account.capOr(budgets.defaultCapMicros());
    if (account.committedMicros() >= cap) {
      return Metered.cut(BlockMessages.cap(account.id, account.committedMicros(), cap), account.live);
    }
    Optional<Long> dailyCap = budgets.dailyCapMicros();
    long dailySpent = books.daily().committed(budgets.today());
    if (dailyCap.isPresent() && dailySpent >= dailyCap.get()) {
      return Metered.cut(budgets.dailyMessage(dailySpent), books.live());
    }
    return Metered.NOTHING;
  }

  @Override
  public void grow(SessionAccount account, long micros) {
  }

  @Override
  public long settled(SessionAccount account, long costMicros) {
    return 0;
  }

  @Override
  public void refresh(String sessionId) {
  }

  @Override
  public void refreshAll() {
  }

  @Override
  public DayView day(LocalDate day, DailyTotal daily, Optional<Long> capMicros) {
    return new DayView(day, daily.settled(day), daily.committed(day), capMicros);
  }

  @Override
  public boolean writesFirstSight() {
    return true;
  }

  @Override
  public void close() {
  }
}
