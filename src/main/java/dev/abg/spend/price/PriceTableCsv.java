package dev.abg.spend.price;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a price table in the format of {@code pricing/builtin-prices.csv}: {@code #} comments, one
 * {@code @version <name>} line, and blocks of comma-separated rows, each block under a header line that starts with
 * {@code model,} and names its columns with {@link PriceField} keys. {@code -} marks an absent price.
 */
final class PriceTableCsv {

  static final String BUILT_IN_RESOURCE = "/pricing/builtin-prices.csv";
  private static final String VERSION_DIRECTIVE = "@version";
  private static final String ABSENT = "-";

  private final String source;
  private final Map<String, ModelSpec> specs = new LinkedHashMap<>();
  private String version;
  private List<PriceField> columns;

  private PriceTableCsv(String source) {
    this.source = source;
  }

  /** The table shipped in the jar. */
  static PriceTable builtIn() {
    try (InputStream in = PriceTableCsv.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("price table resource " + BUILT_IN_RESOURCE + " is missing from the class path");
      }
      return read(new InputStreamReader(in, StandardCharsets.UTF_8), BUILT_IN_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + BUILT_IN_RESOURCE, e);
    }
  }

  /** Reads a table; {@code source} names it in error messages. */
  static PriceTable read(Reader reader, String source) throws IOException {
    PriceTableCsv csv = new PriceTableCsv(source);
    BufferedReader lines = new BufferedReader(reader);
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      csv.parseLine(++number, line.trim());
    }
    return csv.table();
  }

  private void parseLine(int number, String line) {
    if (line.isEmpty() || line.startsWith("#")) {
      return;
    }
    if (line.startsWith(VERSION_DIRECTIVE)) {
      version = line.substring(VERSION_DIRECTIVE.length()).trim();
      return;
    }
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].trim();
    }
    if (cells[0].equals("model")) {
      columns = header(number, cells);
    } else {
      row(number, cells);
    }
  }

  private List<PriceField> header(int number, String[] cells) {
    List<PriceField> header = new ArrayList<>();
    for (int i = 1; i < cells.length; i++) {
      String name = cells[i];
      header.add(PriceField.byKey(name).orElseThrow(() -> error(number, "unknown column '" + name + "', allowed: " + PriceField.allowedKeys())));
    }
    return header;
  }

  private void row(int number, String[] cells) {
    if (columns == null) {
      throw error(number, "a row before any header line (model, ...)");
    }
    if (cells.length != columns.size() + 1) {
      throw error(number, cells.length + " cells where the header has " + (columns.size() + 1));
    }
    String model = cells[0].toLowerCase(Locale.ROOT);
    if (model.isEmpty()) {
      throw error(number, "a row without a model");
    }
    ModelSpec spec = specs.computeIfAbsent(model, ModelSpec::named);
    for (int i = 1; i < cells.length; i++) {
      PriceField field = columns.get(i - 1);
      if (cells[i].equals(ABSENT)) {
        continue;
      }
      if (spec.has(field)) {
        throw error(number, model + "." + field.key() + " is given twice");
      }
      try {
        spec.set(field, cells[i], model + "." + field.key());
      } catch (IllegalArgumentException e) {
        throw error(number, e.getMessage());
      }
    }
  }

  private PriceTable table() {
    if (version == null || version.isEmpty()) {
      throw new IllegalStateException(source + ": no " + VERSION_DIRECTIVE + " line");
    }
    List<ModelPrice> models = new ArrayList<>();
    for (ModelSpec spec : specs.values()) {
      try {
        models.add(spec.build(field -> spec.model() + "." + field.key()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(source + ": " + e.getMessage(), e);
      }
    }
    try {
      return new PriceTable(version, models);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(source + ": " + e.getMessage(), e);
    }
  }

  private IllegalStateException error(int number, String message) {
    return new IllegalStateException(source + ":" + number + ": " + message);
  }
}
