package dev.abg.config;

import java.util.Optional;

/**
 * Team mode: the ledger and every session's state in a shared PostgreSQL database instead of the local SQLite file, so
 * that several abg instances share sessions and budgets (docs/team-mode.md).
 *
 * @param url      {@code db_url}: a {@code jdbc:postgresql://host:port/database} URL
 * @param user     {@code db_user}
 * @param password {@code db_password} (never logged)
 */
public record TeamDatabase(String url, Optional<String> user, Optional<String> password) {

  /** The URL without its query (which may carry a password), for logs. */
  public String describe() {
    int q = url.indexOf('?');
    return (q < 0 ? url : url.substring(0, q)) + user.map(u -> " user=" + u).orElse("");
  }
}
