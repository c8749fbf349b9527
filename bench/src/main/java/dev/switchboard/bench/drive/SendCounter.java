package dev.switchboard.bench.drive;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the API answered: accepted messages (a single send's 202, or each accepted item of a
 * batch's 200), refused items and failed requests by status. Read between two instants to get a
 * window's figures.
 */
public final class SendCounter {
  private static final String ACCEPTED_ITEM = "\"status\":\"accepted\"";
  private static final String ITEM_ERROR = "\"error\":{";

  private final LongAdder accepted = new LongAdder();
  private final LongAdder refusedItems = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  /** Counts one answer; returns how many messages it accepted. */
  public int count(HttpResponse<String> response, Throwable error) {
    requests.increment();
    if (error != null) {
      failed(error.getClass().getSimpleName());
      return 0;
    }
    int status = response.statusCode();
    if (status == 202) {
      accepted.increment();
      return 1;
    }
    if (status == 200) {
      // The serializer writes no spaces: counting markers is exact and far cheaper than parsing.
      int ok = occurrences(response.body(), ACCEPTED_ITEM);
      accepted.add(ok);
      refusedItems.add(occurrences(response.body(), ITEM_ERROR));
      return ok;
    }
    failed(Integer.toString(status));
    return 0;
  }

  private void failed(String what) {
    failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  static int occurrences(String text, String marker) {
    int n = 0;
    for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
      n++;
    }
    return n;
  }

  public long accepted() {
    return accepted.sum();
  }

  public long refusedItems() {
    return refusedItems.sum();
  }

  public long requests() {
    return requests.sum();
  }

  /** Failed requests by HTTP status or exception name, sorted. */
  public Map<String, Long> failures() {
    Map<String, Long> copy = new TreeMap<>();
    failures.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  public long failed() {
    return failures.values().stream().mapToLong(AtomicLong::get).sum();
  }
}
