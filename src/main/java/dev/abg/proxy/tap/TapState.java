package dev.abg.proxy.tap;

import dev.abg.spend.Usage;

/**
 * What one tap has learned so far. The tap thread changes it event by event and calls {@link #publish()} once per chunk;
 * {@link #snapshot()} returns the last published value (a volatile read), so metering a live stream costs no allocation
 * when nothing changed and may be done from any thread.
 */
final class TapState {

  private Usage usage = Usage.NONE;
  private boolean inputReported;
  private boolean usageReported;
  private boolean complete;
  private long streamedTextChars;
  private String model;
  private String responseId;
  private String errorType;
  private String errorMessage;
  private boolean dirty;
  private volatile TapSnapshot published = TapSnapshot.EMPTY;

  void usage(Usage value) {
    if (!usage.equals(value)) {
      usage = value;
      dirty = true;
    }
  }

  void inputReported() {
    dirty |= !inputReported;
    inputReported = true;
  }

  void usageReported() {
    dirty |= !usageReported;
    usageReported = true;
  }

  void complete() {
    dirty |= !complete;
    complete = true;
  }

  void addTextChars(long chars) {
    if (chars > 0) {
      streamedTextChars = streamedTextChars > Long.MAX_VALUE - chars ? Long.MAX_VALUE : streamedTextChars + chars;
      dirty = true;
    }
  }

  /** Records id and model when given; a {@code null} keeps what was there. */
  void identify(String id, String modelName) {
    if (id != null && !id.equals(responseId)) {
      responseId = id;
      dirty = true;
    }
    if (modelName != null && !modelName.equals(model)) {
      model = modelName;
      dirty = true;
    }
  }

  boolean hasResponseId() {
    return responseId != null;
  }

  /** Records an upstream error; a {@code null} type or message keeps what was there. */
  void error(String type, String message) {
    if (type != null) {
      errorType = type;
      dirty = true;
    }
    if (message != null) {
      errorMessage = message;
      dirty = true;
    }
  }

  void publish() {
    if (dirty) {
      dirty = false;
      published = new TapSnapshot(usage, inputReported, usageReported, complete, streamedTextChars, model, responseId, errorType, errorMessage);
    }
  }

  TapSnapshot snapshot() {
    return published;
  }
}
