package dev.abg.testing;

/**
 * The byte-exact bodies that Claude Code 2.1.332 and Codex 0.171.0 accepted (docs/agents.md §4), recorded against a fake
 * upstream and kept here as the tests' reference. Long lines are wrapped with the text-block line
 * continuation {@code \<newline>}, which adds nothing to the string. Ids: {@code msg_mock_14}, {@code msg_mock_15},
 * {@code resp_mock_16}/{@code msg_mock_16}; {@code created_at} 1795872404.
 */
public final class ReferenceSamples {

  /** The sample {@code anthropic_messages_stream.txt} of docs/agents.md §4. */
  public static final String ANTHROPIC_MESSAGES_STREAM = """
      event: message_start
      data: {"type": "message_start", "message": {"id": "msg_mock_14", "type": "message", "role": "assistant", "model": "claude-opus-5-5", "content": [], "stop_reason": \
      null, "stop_sequence": null, "usage": {"input_tokens": 120, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 1000, "output_tokens": 1}}}

      event: content_block_start
      data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi from mock (c"}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "laude-opus-5-5)"}}

      event: content_block_stop
      data: {"type": "content_block_stop", "index": 0}

      event: message_delta
      data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 7}}

      event: message_stop
      data: {"type": "message_stop"}

      """;

  /** The sample {@code anthropic_messages_nonstream.json} of docs/agents.md §4. */
  public static final String ANTHROPIC_MESSAGES_NONSTREAM = """
      {"id": "msg_mock_15", "type": "message", "role": "assistant", "model": "claude-opus-5-5", "content": [{"type": "text", "text": "Hi from mock (claude-opus-5-5)"}], \
      "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 120, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 1000, "output_tokens\
      ": 7}}""";

  /** The sample {@code openai_responses_stream.txt} of docs/agents.md §4. */
  public static final String OPENAI_RESPONSES_STREAM = """
      event: response.created
      data: {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_mock_16", "object": "response", "created_at": 1795872404, "model": "gpt-5.5-codex\
      ", "status": "in_progress", "output": [], "usage": null, "error": null, "incomplete_details": null, "instructions": null, "metadata": {}, "parallel_tool_calls": tr\
      ue, "tool_choice": "auto", "tools": []}}

      event: response.in_progress
      data: {"type": "response.in_progress", "sequence_number": 1, "response": {"id": "resp_mock_16", "object": "response", "created_at": 1795872404, "model": "gpt-5.5-c\
      odex", "status": "in_progress", "output": [], "usage": null, "error": null, "incomplete_details": null, "instructions": null, "metadata": {}, "parallel_tool_calls"\
      : true, "tool_choice": "auto", "tools": []}}

      event: response.output_item.added
      data: {"type": "response.output_item.added", "sequence_number": 2, "output_index": 0, "item": {"id": "msg_mock_16", "type": "message", "status": "in_progress", "ro\
      le": "assistant", "content": []}}

      event: response.content_part.added
      data: {"type": "response.content_part.added", "sequence_number": 3, "item_id": "msg_mock_16", "output_index": 0, "content_index": 0, "part": {"type": "output_text"\
      , "text": "", "annotations": []}}

      event: response.output_text.delta
      data: {"type": "response.output_text.delta", "sequence_number": 4, "item_id": "msg_mock_16", "output_index": 0, "content_index": 0, "delta": "Hi from mock ("}

      event: response.output_text.delta
      data: {"type": "response.output_text.delta", "sequence_number": 5, "item_id": "msg_mock_16", "output_index": 0, "content_index": 0, "delta": "gpt-5.5-codex)"}

      event: response.output_text.done
      data: {"type": "response.output_text.done", "sequence_number": 6, "item_id": "msg_mock_16", "output_index": 0, "content_index": 0, "text": "Hi from mock (gpt-5.5-c\
      odex)"}

      event: response.content_part.done
      data: {"type": "response.content_part.done", "sequence_number": 7, "item_id": "msg_mock_16", "output_index": 0, "content_index": 0, "part": {"type": "output_text",\
       "text": "Hi from mock (gpt-5.5-codex)", "annotations": []}}

      event: response.output_item.done
      data: {"type": "response.output_item.done", "sequence_number": 8, "output_index": 0, "item": {"id": "msg_mock_16", "type": "message", "status": "completed", "role"\
      : "assistant", "content": [{"type": "output_text", "text": "Hi from mock (gpt-5.5-codex)", "annotations": []}]}}

      event: response.completed
      data: {"type": "response.completed", "sequence_number": 9, "response": {"id": "resp_mock_16", "object": "response", "created_at": 1795872404, "model": "gpt-5.5-cod\
      ex", "status": "completed", "output": [{"id": "msg_mock_16", "type": "message", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "te\
      xt": "Hi from mock (gpt-5.5-codex)", "annotations": []}]}], "usage": {"input_tokens": 1500, "input_tokens_details": {"cached_tokens": 1024}, "output_tokens": 40, "\
      output_tokens_details": {"reasoning_tokens": 30}, "total_tokens": 1540}, "error": null, "incomplete_details": null, "instructions": null, "metadata": {}, "parallel\
      _tool_calls": true, "tool_choice": "auto", "tools": []}}

      """;

  /** The sample {@code openai_response_failed_invalid_prompt.txt} of docs/agents.md §4. */
  public static final String OPENAI_RESPONSE_FAILED_INVALID_PROMPT = """
      event: response.failed
      data: {"type": "response.failed", "response": {"id": "resp_x", "status": "failed", "error": {"code": "invalid_prompt", "message": "Session budget exhausted: $5.14 \
      >= $5.00"}}}


      """;

  private ReferenceSamples() {
  }
}
