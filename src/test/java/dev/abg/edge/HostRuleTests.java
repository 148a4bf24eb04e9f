package dev.abg.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostRuleTests {

  private final HostRule loopback = new HostRule("127.0.0.1", List.of());

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:8788", "127.0.0.1", "localhost:8788", "LOCALHOST", "localhost.:8788", "app.localhost:8788", "[::1]:8788", "[::1]",
      "127.1.2.3:8788", "[0:0:0:0:0:0:0:1]:8788"})
  void shouldAllowLoopbackNamesAndAddresses(String host) {
    assertTrue(loopback.allows(host), host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example:8788", "evil.example", "localhost.evil.example", "127.0.0.1.nip.io:8788", "192.168.1.10:8788", "", " ",
      "::1", "[::1", "0.0.0.0:8788", "attacker.localhost.example"})
  void shouldRefuseAnyOtherHost(String host) {
    assertFalse(loopback.allows(host), host);
  }

  @Test
  void shouldRefuseARequestWithoutHost() {
    assertFalse(loopback.allows(null));
  }

  @Test
  void shouldAllowTheBindAddressAndAllowedHosts() {
    HostRule rule = new HostRule("10.1.2.3", List.of("abg.internal", "*.corp.example"));
    assertTrue(rule.allows("10.1.2.3:8788"));
    assertTrue(rule.allows("ABG.internal:8788"));
    assertTrue(rule.allows("team.corp.example"));
    assertTrue(rule.allows("a.b.corp.example:443"));
    assertFalse(rule.allows("corp.example"), "the pattern is for names under the domain");
    assertFalse(rule.allows("evilcorp.example"));
    assertFalse(rule.allows("abg.internal.evil.example"));
    assertTrue(rule.allows("localhost:8788"), "loopback always");
  }

  @Test
  void shouldAllowThisMachinesOwnAddressesWhenBoundToEveryInterface() {
    HostRule rule = new HostRule("0.0.0.0", List.of());
    assertTrue(rule.allows("127.0.0.1:8788"));
    assertFalse(rule.allows("0.0.0.0:8788"), "the wildcard is not an address a client reaches abg at");
    assertFalse(rule.allows("some-name:8788"), "names only through allowed_hosts");
  }

  @Test
  void shouldTellTheOwnOriginFromOthers() {
    assertNull(OriginRule.refusal("http://127.0.0.1:8788", "same-origin", "127.0.0.1:8788"));
    assertNull(OriginRule.refusal("http://LOCALHOST:8788", null, "localhost:8788"));
    assertNull(OriginRule.refusal("https://abg.corp.example", "same-origin", "abg.corp.example"), "behind a TLS front: default port");
    assertNull(OriginRule.refusal("http://abg.corp.example:80", null, "abg.corp.example"));
    assertNull(OriginRule.refusal(null, null, "127.0.0.1:8788"), "no browser: passes");
    assertNull(OriginRule.refusal(null, "none", "127.0.0.1:8788"), "typed by the user");
    assertNull(OriginRule.refusal("http://[::1]:8788", null, "[::1]:8788"));
    for (String origin : new String[] {"https://evil.example", "http://127.0.0.1:3000", "http://localhost:8788", "null", "file://", "http://127.0.0.1:8788/x",
        "ftp://127.0.0.1:8788", "http://127.0.0.1:8788@evil.example", ":::"}) {
      assertTrue(OriginRule.refusal(origin, "same-origin", "127.0.0.1:8788") != null, origin);
    }
    assertTrue(OriginRule.refusal(null, "cross-site", "127.0.0.1:8788") != null);
    assertTrue(OriginRule.refusal(null, "same-site", "127.0.0.1:8788") != null);
  }
}
