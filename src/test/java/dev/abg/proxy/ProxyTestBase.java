package dev.abg.proxy;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.abg.spend.SpendService;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.InjectFakeUpstream;
import dev.abg.testing.Ledger;

/**
 * What every proxy test against the running application shares: the fake upstream behind it (reset before each test),
 * the SpendService, and the ledger read straight from SQLite.
 */
abstract class ProxyTestBase {

  @InjectFakeUpstream
  FakeUpstream upstream;
  @Inject
  DataSource dataSource;
  @Inject
  SpendService spend;
  Ledger ledger;

  @BeforeEach
  void resetUpstreamAndOpenLedger() {
    upstream.reset();
    ledger = new Ledger(dataSource);
  }
}
