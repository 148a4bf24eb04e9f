package dev.abg.text;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * The one place every log line passes (application.properties sets it on each handler): the message, formatted with its
 * arguments, gets its control characters escaped ({@link Printable}), so no logged value — a model name, a label, an
 * agent id — can forge a line or send escape sequences to the terminal that shows the log. A stack trace is printed
 * below the message as it is.
 */
@LoggingFilter(name = "abg-printable")
public final class EscapingLogFilter implements Filter {

  @Override
  public boolean isLoggable(LogRecord record) {
    if (record instanceof ExtLogRecord ext) {
      String formatted = ext.getFormattedMessage();
      if (!Printable.isPrintable(formatted)) {
        ext.setMessage(Printable.escape(formatted), ExtLogRecord.FormatStyle.NO_FORMAT);
        ext.setParameters(null);
      }
    } else if (record.getParameters() == null && !Printable.isPrintable(record.getMessage())) {
      record.setMessage(Printable.escape(record.getMessage()));
    }
    return true;
  }
}
