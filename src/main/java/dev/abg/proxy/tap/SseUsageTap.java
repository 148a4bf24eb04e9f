package dev.abg.proxy.tap;

import io.vertx.core.buffer.Buffer;

/**
 * What the three event-stream taps share: the parser driving them ({@link EventStream}) and the state they fill in
 * ({@link TapState}). A subclass only says what each event means, in {@link #onEvent}.
 */
abstract sealed class SseUsageTap implements UsageTap permits AnthropicSseTap, OpenAiResponsesSseTap, OpenAiChatSseTap {

  final TapState state = new TapState();
  private final EventStream stream;

  SseUsageTap(String name, int maxLineBytes) {
    this.stream = new EventStream(name, this::onEvent, maxLineBytes, state);
  }

  /** One complete event: its name ({@code message} when it had none) and its data lines joined. */
  abstract void onEvent(String name, String data);

  @Override
  public final void feed(Buffer chunk) {
    stream.feed(chunk);
  }

  @Override
  public final void end() {
    stream.end();
  }

  @Override
  public final TapSnapshot snapshot() {
    return state.snapshot();
  }

  int retainedBytes() {
    return stream.retainedBytes();
  }
}
