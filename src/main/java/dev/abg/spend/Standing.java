package dev.abg.spend;

/**
 * Where a session stands against its cap, as the {@code x-abg-*} response headers report it.
 *
 * @param warning the warning text when past {@code warn_at} of the session or daily cap, else null
 */
public record Standing(String sessionId, long spentMicros, long capMicros, String warning) {

  public long remainingMicros() {
    return Math.max(0, capMicros - spentMicros);
  }
}
