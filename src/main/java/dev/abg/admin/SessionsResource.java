package dev.abg.admin;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.abg.config.AbgConfig;

/** {@code /abg/sessions}: create, list, get, change (cap, raise, label), reset and close sessions. */
@Path("/abg/sessions")
@Produces(MediaType.APPLICATION_JSON)
class SessionsResource {

  private final AdminSessions sessions;
  private final AbgConfig config;

  SessionsResource(AdminSessions sessions, AbgConfig config) {
    this.sessions = sessions;
    this.config = config;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(byte[] body) {
    SessionJson created = sessions.create(SessionCreate.from(body));
    return Response.created(URI.create("/abg/sessions/" + created.id())).entity(created).build();
  }

  @GET
  public PageJson<SessionJson> list(@QueryParam("state") String state, @QueryParam("closed") String closed, @QueryParam("sort") String sort,
                                    @QueryParam("order") String order, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return sessions.list(SessionQuery.from(state, closed, sort, order, limit, cursor, config.timezone()));
  }

  @GET
  @Path("{id}")
  public SessionDetailJson get(@PathParam("id") String id) {
    return sessions.detail(SessionIds.require("id", id));
  }

  @PATCH
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public SessionJson update(@PathParam("id") String id, byte[] body) {
    SessionIds.require("id", id);
    return sessions.update(id, SessionUpdate.from(body));
  }

  @POST
  @Path("{id}/reset")
  public SessionJson reset(@PathParam("id") String id) {
    return sessions.reset(SessionIds.require("id", id));
  }

  @POST
  @Path("{id}/close")
  public SessionJson close(@PathParam("id") String id) {
    return sessions.close(SessionIds.require("id", id));
  }
}
