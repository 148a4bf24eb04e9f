package dev.abg.proxy;

import dev.abg.spend.Provider;

/**
 * A proxied request's path taken apart: {@code [/s/{session}][/anthropic|/openai]/v1/...[?query]}.
 *
 * @param session  the session named by the {@code /s/{session}} prefix, or null (not yet validated)
 * @param prefix   the provider named by the {@code /anthropic} or {@code /openai} prefix, or null
 * @param apiPath  the path from {@code /v1} on, without the query
 * @param query    the raw query string, or null
 */
record ProxyPath(String session, Provider prefix, String apiPath, String query) {

  /** The path and query to send upstream. */
  String upstreamPathAndQuery() {
    return query == null ? apiPath : apiPath + "?" + query;
  }

  /**
   * @throws ProxyFailure (400 or 404) for a path that is not a proxied API path or tries to escape it
   */
  static ProxyPath parse(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    String session = null;
    if (path.startsWith("/s/")) {
      int end = path.indexOf('/', 3);
      session = end < 0 ? path.substring(3) : path.substring(3, end);
      path = end < 0 ? "" : path.substring(end);
      if (session.isEmpty()) {
        throw ProxyFailure.badRequest("abg: the session in /s/{session}/ is empty; use e.g. /s/bugfix-login/v1/messages");
      }
    }
    Provider prefix = null;
    if (path.equals("/anthropic") || path.startsWith("/anthropic/")) {
      prefix = Provider.ANTHROPIC;
      path = path.substring("/anthropic".length());
    } else if (path.equals("/openai") || path.startsWith("/openai/")) {
      prefix = Provider.OPENAI;
      path = path.substring("/openai".length());
    }
    if (!(path.equals("/v1") || path.startsWith("/v1/"))) {
      throw ProxyFailure.notFound("abg: not a proxied path: " + Texts.clip(uri, 120)
          + " (expected [/s/{session}][/anthropic|/openai]/v1/...)");
    }
    if (path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.contains("%2e") || path.contains("%2E")
        || path.contains("//") || path.contains("%2f") || path.contains("%2F") || path.contains("%5c") || path.contains("%5C") || path.contains("\\")) {
      throw ProxyFailure.badRequest("abg: the path " + Texts.clip(path, 120) + " contains a relative segment or an encoded slash; send a plain /v1/... path");
    }
    return new ProxyPath(session, prefix, path, query);
  }
}
