package dev.abg.spend;

/**
 * What a request's input can cost before the upstream says what it was: at the least (every token a cache read), at the
 * model's base input price, and at the most (every token a long cache write). Admission reserves and refuses on these.
 */
final class InputCosts {

  private final Prices prices;

  InputCosts(Prices prices) {
    this.prices = prices;
  }

  /** Every input token at the model's cheapest input price (a cache read). */
  long least(Provider provider, String model, long inputTokens) {
    Usage cheapest = provider == Provider.ANTHROPIC ? Usage.anthropic(0, 0, 0, inputTokens, 0) : Usage.openAi(inputTokens, inputTokens, 0, 0, 0);
    return prices.table().price(provider, model, cheapest).costMicros();
  }

  /** Every input token at the model's base input price (no cache). */
  long base(Provider provider, String model, long inputTokens) {
    Usage base = provider == Provider.ANTHROPIC ? Usage.anthropic(inputTokens, 0, 0, 0, 0) : Usage.openAi(inputTokens, 0, 0, 0, 0);
    return prices.table().price(provider, model, base).costMicros();
  }

  /** Every input token at the model's dearest input price (a long cache write). */
  long most(Provider provider, String model, long inputTokens) {
    Usage dearest = provider == Provider.ANTHROPIC ? Usage.anthropic(0, 0, inputTokens, 0, 0) : Usage.openAi(inputTokens, 0, inputTokens, 0, 0);
    return prices.table().price(provider, model, dearest).costMicros();
  }
}
