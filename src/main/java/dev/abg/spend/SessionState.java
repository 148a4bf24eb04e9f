package dev.abg.spend;

import java.util.Locale;
import java.util.Optional;

/** Where a session (or the day) stands against its cap, as the admin API, the status and the dashboard name it. */
public enum SessionState {
  /** Under {@code warn_at} of its cap. */
  ACTIVE,
  /** Past {@code warn_at} of its cap (or at the cap in warn-only mode). */
  WARN,
  /** At its cap while blocking, or closed: requests are refused. */
  BLOCKED;

  /** The contract's spelling: {@code active}, {@code warn}, {@code blocked}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a wire name names; empty for anything else. */
  public static Optional<SessionState> ofWireName(String name) {
    for (SessionState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
