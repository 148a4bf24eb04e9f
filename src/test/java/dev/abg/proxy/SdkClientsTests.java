package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;



import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;

import io.quarkus.test.junit.QuarkusTest;

/** Clients we did not write: the official Anthropic and OpenAI Java SDKs pointed at abg, streaming and not. */
@QuarkusTest
class SdkClientsTests extends ProxyTestBase {

  private static AnthropicClient anthropic(String session) {
    return AnthropicOkHttpClient.builder().baseUrl(ProxyClient.base() + "/s/" + session).apiKey("sk-ant-sdk-test").maxRetries(0).build();
  }

  private static OpenAIClient openAi(String session) {
    return OpenAIOkHttpClient.builder().baseUrl(ProxyClient.base() + "/s/" + session + "/v1").apiKey("sk-sdk-test").maxRetries(0).build();
  }

  private static MessageCreateParams message() {
    return MessageCreateParams.builder().model("claude-sonnet-4-6").maxTokens(256).addUserMessage("say hi").build();
  }

  @Test
  void shouldRecordTheAnthropicSdksCallsWithTheExactCost() {
    String session = "sdk-" + UUID.randomUUID();
    AnthropicClient client = anthropic(session);
    Message message = client.messages().create(message());
    assertEquals(7, message.usage().outputTokens());
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(message())) {
      assertTrue(stream.stream().count() >= 6);
    }
    var rows = ledger.rows(session);
    assertEquals(2, rows.size());
    rows.forEach(r -> assertEquals(AnthropicProxyTests.SONNET_DEFAULT_COST, ((Number) r.get("cost_micros")).longValue()));
  }

  @Test
  void shouldSurfaceTheBlockMessageInTheAnthropicSdksException() {
    String session = "sdk-" + UUID.randomUUID();
    spend.changes().create(session, null, 0L);
    AnthropicServiceException e = assertThrows(AnthropicServiceException.class, () -> anthropic(session).messages().create(message()));
    assertEquals(402, e.statusCode());
    String expected = "abg: session '" + session + "' reached its cap: $0.00 of $0.00";
    assertTrue(String.valueOf(e.getMessage()).contains(expected) || e.body().toString().contains(expected), e.getMessage() + " / " + e.body());
    assertEquals(0, upstream.count("POST", "/v1/messages"));
  }

  @Test
  void shouldRecordTheOpenAiSdksResponsesAndChatCallsWithTheExactCost() {
    String session = "sdk-" + UUID.randomUUID();
    OpenAIClient client = openAi(session);
    Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-5").input("say hi").build());
    assertEquals(40, response.usage().orElseThrow().outputTokens());
    try (var stream = client.responses().createStreaming(ResponseCreateParams.builder().model("gpt-5").input("say hi").build())) {
      assertTrue(stream.stream().anyMatch(ResponseStreamEvent::isCompleted));
    }
    ChatCompletionCreateParams chat = ChatCompletionCreateParams.builder().model("gpt-5").addUserMessage("say hi").build();
    ChatCompletion completion = client.chat().completions().create(chat);
    assertEquals(40, completion.usage().orElseThrow().completionTokens());
    try (var stream = client.chat().completions().createStreaming(chat)) {
      assertTrue(stream.stream().map(ChatCompletionChunk::usage).anyMatch(java.util.Optional::isPresent), "the injected include_usage chunk reached the SDK");
    }
    var rows = ledger.rows(session);
    assertEquals(4, rows.size());
    // gpt-5: 476 × 1.25 + 1024 × 0.125 + 40 × 10 = 1,123 µ$ each
    rows.forEach(r -> assertEquals(1_123L, ((Number) r.get("cost_micros")).longValue()));
    assertEquals(Map.of("/v1/responses", 2L, "/v1/chat/completions", 2L),
        rows.stream().collect(java.util.stream.Collectors.groupingBy(r -> (String) r.get("endpoint"), java.util.stream.Collectors.counting())));
  }

  @Test
  void shouldSurfaceTheBlockMessageInTheOpenAiSdksException() {
    String session = "sdk-" + UUID.randomUUID();
    spend.changes().create(session, null, 0L);
    OpenAIServiceException e = assertThrows(OpenAIServiceException.class,
        () -> openAi(session).responses().create(ResponseCreateParams.builder().model("gpt-5").input("say hi").build()));
    assertEquals(400, e.statusCode());
    String expected = "abg: session '" + session + "' reached its cap: $0.00 of $0.00";
    assertTrue(String.valueOf(e.getMessage()).contains(expected) || e.body().toString().contains(expected), e.getMessage() + " / " + e.body());
  }
}
