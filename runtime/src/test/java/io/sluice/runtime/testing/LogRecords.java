package io.sluice.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects what one class logs through {@link System.Logger} (backed by java.util.logging in tests), INFO and
 * above, until closed. Test runs log only warnings (.ci/test-logging.properties), so its logger is opened to
 * INFO meanwhile; the console handler still prints warnings only. Thread-safe: records may arrive from any
 * thread (a drift worker, a reload poller).
 */
public final class LogRecords extends Handler implements AutoCloseable {
  private static final SimpleFormatter FORMAT = new SimpleFormatter();

  private final Logger logger;
  private final Level previousLevel;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogRecords(Logger logger) {
    this.logger = logger; // a strong reference: java.util.logging keeps loggers weakly
    this.previousLevel = logger.getLevel();
  }

  /** Starts collecting the records of {@code type}'s logger. */
  public static LogRecords of(Class<?> type) {
    LogRecords log = new LogRecords(Logger.getLogger(type.getName()));
    log.logger.setLevel(Level.INFO);
    log.logger.addHandler(log);
    return log;
  }

  /** The messages logged at {@code level} so far, oldest first, with their parameters filled in. */
  public List<String> messages(Level level) {
    List<String> messages = new ArrayList<>();
    for (LogRecord record : records) {
      if (record.getLevel().equals(level)) {
        messages.add(FORMAT.formatMessage(record));
      }
    }
    return messages;
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previousLevel);
  }
}
