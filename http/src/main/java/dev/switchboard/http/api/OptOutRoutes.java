package dev.switchboard.http.api;

import dev.switchboard.engine.optout.OptOut;
import dev.switchboard.engine.optout.OptOutPage;
import dev.switchboard.engine.optout.OptOuts;
import dev.switchboard.http.auth.Account;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/opt-outs}: the account's recipients who opted out (an inbound {@code STOP}, or a
 * provider that said so), newest first, optionally of one channel.
 */
public final class OptOutRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(OptOutRoutes.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final OptOuts optOuts;
  private final Set<String> enabledChannels;

  public OptOutRoutes(OptOuts optOuts, Set<String> enabledChannels) {
    this.optOuts = optOuts;
    this.enabledChannels = Set.copyOf(enabledChannels);
  }

  /** The routes below {@code /v1/opt-outs}, for an authenticated account. */
  public Route routes(Account account) {
    return pathPrefix(
        "opt-outs",
        () ->
            pathEndOrSingleSlash(
                () ->
                    get(
                        () ->
                            parameterOptional(
                                "channel",
                                channel ->
                                    parameterOptional(
                                        "limit",
                                        limit ->
                                            parameterOptional(
                                                "cursor",
                                                cursor ->
                                                    list(account, channel, limit, cursor)))))));
  }

  private Route list(
      Account account,
      Optional<String> channel,
      Optional<String> limitText,
      Optional<String> cursorText) {
    if (channel.isPresent() && !enabledChannels.contains(channel.get())) {
      return complete(
          ApiError.invalid(
              "channel", "is not a channel of this engine; enabled: " + enabledChannels));
    }
    Optional<Integer> asked = PageLimit.parse(limitText);
    if (asked.isEmpty()) {
      return complete(PageLimit.invalid());
    }
    int limit = asked.get();
    Optional<OptOutPage.Cursor> cursor = cursorText.flatMap(OptOutPage.Cursor::parse);
    if (cursorText.isPresent() && cursor.isEmpty()) {
      return complete(PageLimit.invalidCursor());
    }
    return onComplete(
        optOuts.list(account.id(), channel, limit, cursor),
        result -> {
          // The opt-outs are in the journal's database: when it does not answer, retry.
          if (result.isFailure()) {
            LOG.warn(
                "opt-out store did not answer: account={} cause={}",
                account.id(),
                result.failed().get().toString());
            return complete(
                ApiError.unavailable(
                    "unavailable", "the opt-out store did not answer; try again", RETRY_AFTER));
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("data", result.get().rows().stream().map(OptOutRoutes::item).toList());
          body.put("nextCursor", result.get().nextCursor());
          return complete(Json.response(StatusCodes.OK, body));
        });
  }

  /** An opt-out as the API shows it. */
  static Map<String, Object> item(OptOut optOut) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("channel", optOut.channel());
    item.put("recipient", optOut.recipient());
    item.put("source", optOut.source());
    item.put("provider", optOut.provider());
    item.put("detail", optOut.detail());
    item.put("createdAt", optOut.createdAt().toString());
    return item;
  }
}
