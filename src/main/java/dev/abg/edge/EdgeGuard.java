package dev.abg.edge;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import dev.abg.text.Printable;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request must pass before any route — the proxy, the admin API, the dashboard, {@code /q/*} — sees it,
 * so that nothing outside the user's own tools can turn the guard off:
 * <ol>
 *   <li>its {@code Host} must be one of abg's own ({@link HostRule}), else 421: DNS rebinding makes a web page
 *       same-origin with abg, and only the name it used gives it away;</li>
 *   <li>a write to the admin API ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} under {@code /abg}) must come
 *       from abg's own origin or from no browser at all ({@link OriginRule}), else 403: a page could otherwise reset a
 *       blocked session with a plain form post;</li>
 *   <li>the dashboard's files and {@code /q/*} serve {@code GET} and {@code HEAD} only, and the admin API no method
 *       beyond {@code GET}, {@code HEAD}, {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} (no {@code OPTIONS}:
 *       no preflight is ever answered), else 405; the admin API's operations and the proxy's routes refuse the rest of
 *       their methods themselves;</li>
 *   <li>with {@code admin_token} set, {@code /q/*} (metrics, the OpenAPI document, Swagger UI) needs it, else 401.</li>
 * </ol>
 * No CORS header is ever sent. The refusal is written in the route's error shape ({@link RefusalShape}), else as
 * {@code application/problem+json}.
 */
@Singleton
class EdgeGuard {

  /** Ahead of every route of Quarkus's and ours, behind only Quarkus's own bookkeeping (access log, start time). */
  static final int ORDER = Integer.MIN_VALUE + 2;

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> READS = Set.of("GET", "HEAD");
  /** The admin API's methods; each path's own are in its contract, and JAX-RS refuses the others of these (405 with its Allow). */
  private static final Set<String> ADMIN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final HostRule hosts;
  private final AdminToken token;
  private final List<RefusalShape> shapes;

  EdgeGuard(AbgConfig config, Instance<RefusalShape> shapes) {
    this.hosts = new HostRule(config.bind(), config.allowedHosts());
    this.token = new AdminToken(config.adminToken());
    this.shapes = shapes.stream().toList();
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::check);
  }

  private void check(RoutingContext ctx) {
    HttpServerRequest in = ctx.request();
    Refusal refusal = refusal(in, ctx.normalizedPath());
    if (refusal == null) {
      ctx.next();
      return;
    }
    Log.debugf("[abg] EDGE refused %s %s: %d %s", in.method().name(), Printable.escape(ctx.normalizedPath()), refusal.status(), refusal.kind());
    for (RefusalShape shape : shapes) {
      if (shape.claims(ctx.normalizedPath())) {
        shape.send(in, refusal);
        return;
      }
    }
    problem(in, ctx.normalizedPath(), refusal);
  }

  /** The first rule the request breaks, or null. */
  Refusal refusal(HttpServerRequest in, String path) {
    String method = in.method().name();
    String host = host(in);
    if (!hosts.allows(host)) {
      return Refusal.misdirected("abg answers only requests addressed to it: localhost, a loopback address, its bind address or a name in "
          + "allowed_hosts; this one was addressed to " + (host == null ? "no host" : "'" + Printable.escape(clip(host)) + "'")
          + ". If abg is reached through this name on purpose, add it to allowed_hosts.");
    }
    boolean dashboard = path.equals("/abg/ui") || path.startsWith("/abg/ui/");
    boolean admin = !dashboard && (path.equals("/abg") || path.startsWith("/abg/"));
    if (admin && WRITES.contains(method)) {
      String why = OriginRule.refusal(in.getHeader("origin"), in.getHeader("sec-fetch-site"), host);
      if (why != null) {
        return Refusal.crossOrigin("abg refuses changes from other web sites: " + why + ". Use the dashboard at /abg/ui, the abg command or curl.");
      }
    }
    if (admin && !ADMIN_METHODS.contains(method)) {
      // OPTIONS (a CORS preflight), TRACE, CONNECT, WebDAV's: none is an operation of the admin API
      return Refusal.methodNotAllowed(Printable.escape(clip(method)) + " is not an operation of the admin API; each path's operations are listed at "
          + "/q/openapi.", "GET, HEAD, POST, PUT, PATCH, DELETE");
    }
    boolean quarkus = path.equals("/q") || path.startsWith("/q/");
    if ((dashboard || quarkus) && !READS.contains(method)) {
      return Refusal.methodNotAllowed(Printable.escape(clip(method)) + " is not served at " + Printable.escape(clip(path)) + "; it serves GET and HEAD.",
          "GET, HEAD");
    }
    if (quarkus) {
      String why = token.refusal(in.getHeader("authorization"), true);
      if (why != null) {
        return Refusal.unauthorized(why);
      }
    }
    return null;
  }

  /** The request's {@code Host}, or on HTTP/2 (an {@code h2c} upgrade included) its {@code :authority}. */
  private static String host(HttpServerRequest in) {
    String header = in.getHeader("host");
    if (header != null || in.authority() == null) {
      return header;
    }
    HostAndPort authority = in.authority();
    String name = authority.host().contains(":") && !authority.host().startsWith("[") ? "[" + authority.host() + "]" : authority.host();
    return authority.port() > 0 ? name + ":" + authority.port() : name;
  }

  private static void problem(HttpServerRequest in, String path, Refusal refusal) {
    JsonObject body = new JsonObject().put("type", "urn:abg:problem:" + refusal.kind()).put("title", refusal.title()).put("status", refusal.status())
        .put("detail", refusal.detail()).put("instance", Printable.escape(clip(path)));
    var response = in.response().setStatusCode(refusal.status()).putHeader("content-type", "application/problem+json");
    refusal.headers().forEach(response::putHeader);
    response.end(body.encode());
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
