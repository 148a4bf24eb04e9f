package dev.abg.spend.price;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A model's family and version, read from its name: the stem ({@code claude}, {@code gpt}, {@code o}), the words
 * that are not version numbers ({@code opus}, {@code codex}, {@code mini}; {@code latest} and a date suffix are
 * ignored) and the version as a rank.
 *
 * <pre>
 * claude-opus-4-8            stem claude, words [opus],        rank 408
 * claude-3-7-sonnet-20250219 stem claude, words [sonnet],      rank 307
 * gpt-5.1-codex-max          stem gpt,    words [codex, max],  rank 501
 * gpt-4o-mini                stem gpt,    words [mini],        rank 400
 * o4-mini                    stem o,      words [mini],        rank 400
 * </pre>
 */
record ModelFamily(String stem, Set<String> words, int rank) {

  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");
  private static final Pattern LETTERS_THEN_DIGIT = Pattern.compile("([a-z]+)(\\d.*)");
  private static final Set<String> IGNORED_WORDS = Set.of("latest");
  private static final int MAX_PART = 99;

  ModelFamily {
    words = Set.copyOf(words);
  }

  /** The family of a model name (any case); a date suffix is ignored. */
  static ModelFamily of(String modelName) {
    String[] segments = stripDate(modelName.trim().toLowerCase(Locale.ROOT)).split("-");
    String stem = segments[0];
    Set<String> words = new TreeSet<>();
    int[] version = {-1, -1};
    var stemWithVersion = LETTERS_THEN_DIGIT.matcher(stem);
    if (stemWithVersion.matches()) {
      stem = stemWithVersion.group(1);
      addVersion(version, stemWithVersion.group(2));
    }
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      if (!segment.isEmpty() && Character.isDigit(segment.charAt(0))) {
        addVersion(version, segment);
      } else if (!segment.isEmpty() && !IGNORED_WORDS.contains(segment)) {
        words.add(segment);
      }
    }
    return new ModelFamily(stem, words, Math.max(version[0], 0) * 100 + Math.max(version[1], 0));
  }

  /** The name without a date suffix ({@code -YYYYMMDD} or {@code -YYYY-MM-DD}); the name itself when it has none. */
  static String stripDate(String name) {
    return DATE_SUFFIX.matcher(name).replaceFirst("");
  }

  /** The family's name: the stem and the words, e.g. {@code claude-opus}, {@code gpt}, {@code gpt-codex-max}. */
  String name() {
    return words.isEmpty() ? stem : stem + "-" + String.join("-", new TreeSet<>(words));
  }

  /** Whether a model of this family could be priced like {@code other}: same stem, and all of its words are ours. */
  boolean fits(ModelFamily other) {
    return stem.equals(other.stem) && words.containsAll(other.words);
  }

  // "5.4" gives major 5 and minor 4; "4", "8" (claude-opus-4-8) give the same over two segments; "4o" gives 4.
  private static void addVersion(int[] version, String segment) {
    for (String part : List.of(segment.split("\\."))) {
      int digits = 0;
      while (digits < part.length() && Character.isDigit(part.charAt(digits))) {
        digits++;
      }
      if (digits == 0) {
        return;
      }
      int value = digits > 2 ? MAX_PART : Integer.parseInt(part.substring(0, digits));
      if (version[0] < 0) {
        version[0] = value;
      } else if (version[1] < 0) {
        version[1] = value;
      } else {
        return;
      }
    }
  }
}
