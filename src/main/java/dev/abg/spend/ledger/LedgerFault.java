package dev.abg.spend.ledger;

import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;

/** Names the real cause of a failed ledger write, as an operator reads it, from the exception chain. */
final class LedgerFault {

  private LedgerFault() {
  }

  /**
   * @param where the SQLite file, or the PostgreSQL server, as the message should name it
   */
  static String describe(Throwable failure, String where, boolean team) {
    String all = chain(failure).toLowerCase(Locale.ROOT);
    if (all.contains("sqlite_full") || all.contains("disk is full") || all.contains("no space left")) {
      return "disk full at " + directory(where) + " (SQLITE_FULL)";
    }
    if (all.contains("sqlite_busy") || all.contains("database is locked")) {
      return "the database " + where + " is locked by another connection (SQLITE_BUSY)";
    }
    if (all.contains("sqlite_readonly") || all.contains("readonly database") || all.contains("read-only")) {
      return "the database " + where + " is read-only (SQLITE_READONLY)";
    }
    if (all.contains("sqlite_ioerr") || all.contains("disk i/o error")) {
      return "an I/O error on " + where + " (SQLITE_IOERR)";
    }
    if (all.contains("sqlite_cantopen") || all.contains("unable to open")) {
      return "the database " + where + " cannot be opened (SQLITE_CANTOPEN)";
    }
    if (all.contains("no such table")) {
      return "the database " + where + " has no ledger tables (was it deleted or replaced?)";
    }
    if (team) {
      return "PostgreSQL at " + where + " cannot be reached (" + clip(root(failure).getMessage()) + ")";
    }
    return "writing to " + where + " failed (" + clip(root(failure).getMessage()) + ")";
  }

  /** Whether the failure is the store being away (every write fails alike), not one bad entry. */
  static boolean storeWide(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof java.io.IOException) {
        return true;
      }
    }
    return !(root(failure) instanceof IllegalArgumentException);
  }

  private static String directory(String where) {
    Path parent = Path.of(where).toAbsolutePath().getParent();
    return parent == null ? where : parent.toString();
  }

  private static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(' ');
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        text.append(sql.getNextException().getMessage()).append(' ');
      }
      for (Throwable s : t.getSuppressed()) {
        text.append(s.getMessage()).append(' ');
      }
    }
    return text.toString();
  }

  private static Throwable root(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String clip(String s) {
    if (s == null) {
      return "no message";
    }
    String line = s.lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
