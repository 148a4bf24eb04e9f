package dev.abg.admin;

import java.util.List;

/** One page of a list: {@code SessionPage}, {@code EventPage}, {@code LedgerPage}. {@code nextCursor} is null on the last page. */
record PageJson<T>(List<T> items, String nextCursor) {
}
