package dev.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.webhook.FailedPage;
import dev.switchboard.engine.webhook.OutboxRow;
import dev.switchboard.engine.webhook.Webhooks;
import dev.switchboard.http.auth.Account;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/webhooks/failed}: the account's dead-lettered webhook events, newest first, and
 * redelivery of one of them.
 */
public final class WebhookRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final Webhooks webhooks;

  public WebhookRoutes(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** The routes below {@code /v1/webhooks}, for an authenticated account. */
  public Route routes(Account account) {
    return pathPrefix(
        "webhooks",
        () ->
            pathPrefix(
                "failed",
                () ->
                    concat(
                        pathEndOrSingleSlash(
                            () ->
                                get(
                                    () ->
                                        parameterOptional(
                                            "limit",
                                            limit ->
                                                parameterOptional(
                                                    "cursor",
                                                    cursor -> list(account, limit, cursor))))),
                        path(
                            PathMatchers.segment().slash("redeliver"),
                            id -> post(() -> redeliver(account, id))))));
  }

  private Route list(Account account, Optional<String> limitText, Optional<String> cursorText) {
    Optional<Integer> asked = PageLimit.parse(limitText);
    if (asked.isEmpty()) {
      return complete(PageLimit.invalid());
    }
    int limit = asked.get();
    Optional<FailedPage.Cursor> cursor = cursorText.flatMap(FailedPage.Cursor::parse);
    if (cursorText.isPresent() && cursor.isEmpty()) {
      return complete(PageLimit.invalidCursor());
    }
    return answer(
        webhooks.failed(account.id(), limit, cursor),
        account,
        page -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("data", page.rows().stream().map(WebhookRoutes::item).toList());
          body.put("nextCursor", page.nextCursor());
          return complete(Json.response(StatusCodes.OK, body));
        });
  }

  private Route redeliver(Account account, String id) {
    return answer(
        webhooks.redeliver(account.id(), id),
        account,
        row ->
            row.map(
                    r -> {
                      Map<String, Object> item = item(r);
                      item.put("status", OutboxRow.PENDING);
                      return complete(Json.response(StatusCodes.ACCEPTED, item));
                    })
                .orElseGet(() -> complete(ApiError.notFound("no failed webhook event " + id))));
  }

  // The outbox is on the journal's database: when it does not answer, the client may retry.
  private <T> Route answer(CompletionStage<T> stage, Account account, Function<T, Route> ok) {
    return onComplete(
        stage,
        result -> {
          if (result.isFailure()) {
            LOG.warn(
                "webhook store did not answer: account={} cause={}",
                account.id(),
                result.failed().get().toString());
            return complete(
                ApiError.unavailable(
                    "unavailable", "the webhook store did not answer; try again", RETRY_AFTER));
          }
          return ok.apply(result.get());
        });
  }

  /** A failed event as the API shows it; {@code data} is what was (and will be) sent. */
  static Map<String, Object> item(OutboxRow row) {
    JsonNode body = Json.parse(row.body().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("id", row.id());
    item.put("type", row.type());
    item.put("url", row.url());
    item.put("attempts", row.attempts());
    item.put("lastError", row.lastError());
    item.put("createdAt", row.createdAt().toString());
    item.put("failedAt", row.updatedAt().toString());
    item.put("data", body.path("data"));
    return item;
  }
}
